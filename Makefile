# ecs-scheduler: `make dev` runs the product locally, `make test` runs every test.
# Both install what they need on a fresh machine (npm packages, the Python virtualenv, the control plane
# binaries), caching what is built outside the checkout (see hack/cache-dir.sh).
SHELL := /bin/bash
.DEFAULT_GOAL := build

NODE_STAMP := node_modules/.package-lock.json

.PHONY: build test test-unit test-unit-node22 image dev lint deps clean

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(NODE_STAMP)

deps: $(NODE_STAMP)

build: deps
	npx tsc -p tsconfig.build.json

## test: every test, unit and integration, starting the local stack it needs.
test: build
	hack/test.sh

## test-unit: the tests that need no servers and no Python: not test/integration, nor the APScheduler
## differential test (it runs a Python oracle in the virtualenv); `make test` runs those too.
test-unit: deps
	TZ=UTC npx mocha 'test/**/*.test.ts' --exclude 'test/integration/**' --exclude test/schedule/apscheduler-differential.test.ts

## test-unit-node22: the same tests under Node.js 22, the image's runtime (hack/node-runtime.sh installs it
## from the npm registry into the cache); `make test` runs them too.
test-unit-node22: deps
	TZ=UTC "$$(hack/node-runtime.sh)/bin/node" node_modules/mocha/bin/mocha.js 'test/**/*.test.ts' --exclude 'test/integration/**' --exclude test/schedule/apscheduler-differential.test.ts

## image: the container image, built without a daemon: dist/ecs-scheduler-image.tar (docker load -i), its
## digests and sizes in dist/ecs-scheduler-image.json. See docs/image.md.
image: deps
	hack/image/build.sh

## dev: the local control plane, moto, the controller and the shim on 127.0.0.1:5000.
dev: build
	hack/dev.sh

lint: deps
	npx tsc -p tsconfig.json --noEmit
	npx eslint .

clean:
	rm -rf dist .dev
