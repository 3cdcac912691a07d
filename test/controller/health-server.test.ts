import { expect } from 'chai';
import { startHealthServer, type MetricsText } from '../../src/controller/health-server.js';

/** A health server on a free loopback port, serving `slices` as its metrics; ready as told. */
async function serving(slices: () => AsyncGenerator<string>, ready = true) {
  const metrics: MetricsText = { textSlices: slices, contentType: 'text/plain; version=0.0.4; charset=utf-8' };
  const server = await startHealthServer({ address: '127.0.0.1', port: 0, ready: () => ready, metrics });
  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
    return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
  };
  return { server, get };
}

describe('health server', () => {
  it('serves the metrics slice after slice, as one text, large ones too', async () => {
    const big = 'x'.repeat(1 << 20);
    const { server, get } = await serving(async function* () {
      yield '# TYPE a gauge\na 1\n';
      for (let i = 0; i < 6; i++) yield `b{i="${i}"} ${big}\n`;
    });
    try {
      const { status, type, body } = await get('/metrics');
      expect([status, type]).to.deep.equal([200, 'text/plain; version=0.0.4; charset=utf-8']);
      expect(body.length).to.equal('# TYPE a gauge\na 1\n'.length + 6 * (`b{i="0"} `.length + big.length + 1));
      expect(body.startsWith('# TYPE a gauge\na 1\nb{i="0"} x')).to.equal(true);
      expect(body.endsWith(`b{i="5"} ${big}\n`)).to.equal(true);
    } finally {
      await server.close();
    }
  });

  it('answers 500 when the metrics fail before their first slice; /healthz and /readyz as the process stands', async () => {
    const { server, get } = await serving(async function* () {
      throw new Error('registry broke');
      yield '';
    }, false);
    try {
      expect((await get('/metrics')).status).to.equal(500);
      expect(await get('/healthz')).to.include({ status: 200, body: 'ok\n' });
      expect(await get('/readyz')).to.include({ status: 503, body: 'informer not synced\n' });
      expect((await get('/nothing')).status).to.equal(404);
    } finally {
      await server.close();
    }
  });

  it('cuts the connection when the metrics fail after a slice was sent: the scraper sees no short answer', async () => {
    const { server, get } = await serving(async function* () {
      yield 'a 1\n';
      throw new Error('gone');
    });
    try {
      const failed = await get('/metrics').then(
        () => 'answered',
        (error: unknown) => (error instanceof Error ? 'failed' : 'other'),
      );
      expect(failed).to.equal('failed');
    } finally {
      await server.close();
    }
  });
});
