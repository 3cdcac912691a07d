import { expect } from 'chai';
import { devPorts, portTakenMessage, type DevPorts } from '../../hack/stack/dev-ports.js';

const moto = { server: 'moto', host: '127.0.0.1', port: 5001, setting: 'ECSS_MOTO_PORT=<port>' };
const shim = { server: 'the shim', host: '127.0.0.1', port: 5000, setting: 'ECSS_SHIM_PORT=<port>' };
const health = {
  server: "the controller's health server",
  host: '127.0.0.1',
  port: 8081,
  setting: 'ECSS_HEALTH_ADDRESS=127.0.0.1:<port>',
};

describe('make dev: its fixed ports', () => {
  const scenarios: { name: string; env: NodeJS.ProcessEnv; expected: DevPorts | { error: string } }[] = [
    {
      name: 'defaults: moto 5001, the shim 5000, the health server 8081, all checked',
      env: {},
      expected: { motoPort: 5001, shimPort: 5000, healthAddress: { host: '127.0.0.1', port: 8081 }, fixed: [moto, shim, health] },
    },
    {
      name: 'ECSS_SHIM_PORT moves the shim, as for the shim command',
      env: { ECSS_SHIM_PORT: '5100' },
      expected: {
        motoPort: 5001,
        shimPort: 5100,
        healthAddress: { host: '127.0.0.1', port: 8081 },
        fixed: [moto, { ...shim, port: 5100 }, health],
      },
    },
    {
      name: 'ECSS_PORT, the old name, still works',
      env: { ECSS_PORT: '5200' },
      expected: {
        motoPort: 5001,
        shimPort: 5200,
        healthAddress: { host: '127.0.0.1', port: 8081 },
        fixed: [moto, { ...shim, port: 5200 }, health],
      },
    },
    {
      name: 'ECSS_HEALTH_ADDRESS moves the health server, host included',
      env: { ECSS_HEALTH_ADDRESS: '0.0.0.0:9090', ECSS_MOTO_PORT: '5301' },
      expected: {
        motoPort: 5301,
        shimPort: 5000,
        healthAddress: { host: '0.0.0.0', port: 9090 },
        fixed: [
          { ...moto, port: 5301 },
          shim,
          { ...health, host: '0.0.0.0', port: 9090, setting: 'ECSS_HEALTH_ADDRESS=0.0.0.0:<port>' },
        ],
      },
    },
    {
      name: 'a health port of 0 takes a free port: nothing to check',
      env: { ECSS_HEALTH_ADDRESS: '127.0.0.1:0' },
      expected: { motoPort: 5001, shimPort: 5000, healthAddress: { host: '127.0.0.1', port: 0 }, fixed: [moto, shim] },
    },
    { name: 'a moto port that is not a number', env: { ECSS_MOTO_PORT: 'five' }, expected: { error: 'ECSS_MOTO_PORT: "five" is not a port number' } },
    { name: 'a shim port out of range, named by the setting given', env: { ECSS_PORT: '70000' }, expected: { error: 'ECSS_PORT: "70000" is not a port number' } },
    {
      name: 'a health address without a port',
      env: { ECSS_HEALTH_ADDRESS: 'localhost' },
      expected: { error: 'ECSS_HEALTH_ADDRESS: "localhost" is not ADDRESS:PORT' },
    },
    {
      name: 'two servers on one port',
      env: { ECSS_SHIM_PORT: '8081' },
      expected: { error: "the shim and the controller's health server both want port 8081: set ECSS_HEALTH_ADDRESS=127.0.0.1:<port>" },
    },
  ];
  for (const s of scenarios) {
    it(s.name, () => {
      expect(devPorts(s.env)).to.deep.equal(s.expected);
    });
  }

  it('ECSS_SHIM_PORT wins over ECSS_PORT', () => {
    expect(devPorts({ ECSS_SHIM_PORT: '5100', ECSS_PORT: '5200' })).to.have.property('shimPort', 5100);
  });

  it('a taken port names the port, who wants it, and the setting that moves it', () => {
    expect(portTakenMessage(health, 'EADDRINUSE')).to.equal(
      "port 8081 on 127.0.0.1, for the controller's health server, is taken (EADDRINUSE); " +
        'stop what holds it (an earlier make dev?) or set ECSS_HEALTH_ADDRESS=127.0.0.1:<port>',
    );
  });
});
