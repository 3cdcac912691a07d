import { expect } from 'chai';
import { Fifo } from '../../src/controller/fifo.js';

describe('Fifo', () => {
  it('gives items back in the order pushed, across the drops of what was read', () => {
    const fifo = new Fifo<number>();
    const out: number[] = [];
    for (let i = 0; i < 5000; i++) fifo.push(i);
    for (let i = 0; i < 3000; i++) out.push(fifo.shift() as number);
    for (let i = 5000; i < 6000; i++) fifo.push(i);
    expect(fifo.length).to.equal(3000);
    for (let item = fifo.shift(); item !== undefined; item = fifo.shift()) out.push(item);
    expect(out).to.deep.equal(Array.from({ length: 6000 }, (_, i) => i));
    expect(fifo.length).to.equal(0);
  });

  it('is empty after clear(), and usable again', () => {
    const fifo = new Fifo<string>();
    fifo.push('a');
    fifo.push('b');
    fifo.clear();
    expect(fifo.shift()).to.equal(undefined);
    fifo.push('c');
    expect([fifo.length, fifo.shift()]).to.deep.equal([1, 'c']);
  });
});
