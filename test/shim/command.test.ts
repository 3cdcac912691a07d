import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { shimCommand, shimSettings } from '../../src/commands/shim.js';

describe('shim: the `ecs-scheduler shim` command', () => {
  const defaults = { address: '127.0.0.1', port: 5000, namespace: 'default', auth: false, insecure: false, allowedHosts: [], corsOrigins: [], logLevel: 'info' };
  const scenarios: { name: string; argv: string[]; env?: NodeJS.ProcessEnv; expected: unknown }[] = [
    { name: 'defaults', argv: [], expected: defaults },
    {
      name: 'flags',
      argv: ['--address', '0.0.0.0', '--port', '8080', '--namespace', 'jobs', '--kubeconfig', '/k', '--auth'],
      expected: { ...defaults, address: '0.0.0.0', port: 8080, namespace: 'jobs', kubeconfig: '/k', auth: true },
    },
    {
      name: 'environment',
      argv: [],
      env: { ECSS_SHIM_ADDRESS: '::', ECSS_SHIM_PORT: '5001', ECSS_NAMESPACE: 'ns', ECSS_KUBECONFIG: '/e', ECSS_SHIM_INSECURE: 'true' },
      expected: { ...defaults, address: '::', port: 5001, namespace: 'ns', kubeconfig: '/e', insecure: true },
    },
    { name: 'flags over environment', argv: ['--port', '1'], env: { ECSS_SHIM_PORT: '2' }, expected: { ...defaults, port: 1 } },
    { name: 'a port that is not one', argv: ['--port', '70000'], expected: { error: '--port: "70000" is not a port number' } },
    { name: '--auth with --insecure', argv: ['--auth', '--insecure'], expected: { error: '--auth and --insecure contradict each other; choose one' } },
    {
      name: 'allowed hosts and CORS origins, comma-separated',
      argv: ['--allowed-host', 'shim.local, box', '--cors-origin', 'http://localhost:8080,https://ui.example.com'],
      expected: { ...defaults, allowedHosts: ['shim.local', 'box'], corsOrigins: ['http://localhost:8080', 'https://ui.example.com'] },
    },
    {
      name: 'a CORS origin that is not one',
      argv: ['--cors-origin', 'http://ui.example.com/app'],
      expected: { error: '--cors-origin: "http://ui.example.com/app" is not an origin such as http://localhost:8080 (scheme, host and port, no path)' },
    },
    { name: 'a wildcard CORS origin', argv: ['--cors-origin', '*'], expected: { error: '--cors-origin: "*" is not an origin such as http://localhost:8080 (scheme, host and port, no path)' } },
    { name: 'help', argv: ['-h'], expected: 'help' },
  ];
  for (const s of scenarios) {
    it(`reads ${s.name}`, () => {
      expect(shimSettings(s.argv, s.env ?? {})).to.deep.equal(s.expected);
    });
  }

  it('rejects an unknown flag as a usage error', () => {
    const settings = shimSettings(['--port=5000', '--bogus'], {});
    expect(settings).to.have.property('error').that.match(/bogus/);
  });

  describe('run', () => {
    let stderr: sinon.SinonStub;
    beforeEach(() => {
      stderr = sinon.stub(process.stderr, 'write').returns(true);
    });
    afterEach(() => stderr.restore());

    it('refuses to serve beyond loopback without --auth or --insecure, exit 1', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'shim-cmd-'));
      const kubeconfig = join(dir, 'config');
      writeFileSync(
        kubeconfig,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
          users: [{ name: 'u', user: { token: 't' } }],
          contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
          'current-context': 'c',
        }),
      );
      const code = await shimCommand.run(['--address', '0.0.0.0', '--port', '0', '--kubeconfig', kubeconfig, '--log-level', 'error']);
      expect(code).to.equal(1);
      expect(stderr.args.map((a) => String(a[0])).join('')).to.match(/refusing to serve jobs on 0\.0\.0\.0 without authentication/);
    });

    it('exits 2 on a usage error', async () => {
      expect(await shimCommand.run(['--nope'])).to.equal(2);
    });
  });
});
