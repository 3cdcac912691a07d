import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { layerEntries, writeLayer } from '../../hack/image/layer.js';
import { TarWriter, type TarEntry } from '../../hack/image/tar-writer.js';

// 2023-11-14T22:13:20Z
const mtime = 1_700_000_000;
const owner = { uid: 0, gid: 0 };

function archive(entries: TarEntry[]): Buffer {
  const chunks: Buffer[] = [];
  const tar = new TarWriter({ mtime, sink: (chunk) => chunks.push(chunk) });
  for (const entry of entries) tar.add(entry);
  tar.finish();
  return Buffer.concat(chunks);
}

const longDir = `node_modules/${'a'.repeat(60)}/${'b'.repeat(60)}`;
const veryLong = `${'c'.repeat(90)}/${'d'.repeat(90)}/${'e'.repeat(90)}/file.js`;
const longTarget = `../${'t'.repeat(120)}`;

const scenarios: TarEntry[] = [
  { type: 'directory', path: 'etc', mode: 0o755, ...owner },
  { type: 'file', path: 'etc/passwd', mode: 0o644, size: 5, source: Buffer.from('root\n'), ...owner },
  { type: 'directory', path: 'tmp', mode: 0o1777, ...owner },
  { type: 'file', path: `${longDir}/index.js`, mode: 0o755, size: 3, source: Buffer.from('js\n'), ...owner },
  { type: 'file', path: veryLong, mode: 0o644, size: 4, source: Buffer.from('pax\n'), ...owner },
  { type: 'file', path: 'licences/Lizenz-für-alle.txt', mode: 0o644, size: 2, source: Buffer.from('ü'), ...owner },
  { type: 'symlink', path: 'lib64/ld-linux-x86-64.so.2', target: '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', ...owner },
  { type: 'symlink', path: 'far', target: longTarget, ...owner },
  { type: 'directory', path: 'home/nonroot', mode: 0o700, uid: 65532, gid: 65532 },
];

describe('hack/image tar writer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ecss-tar-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the same bytes for the same entries, in whole 512-byte blocks', () => {
    expect(archive(scenarios).equals(archive(scenarios))).to.equal(true);
    expect(archive(scenarios).length % 512).to.equal(0);
  });

  it('GNU tar reads every entry back: names, targets, modes, owners and the one mtime', () => {
    writeFileSync(join(dir, 'a.tar'), archive(scenarios));
    const listing = execFileSync('tar', ['-tvf', join(dir, 'a.tar'), '--numeric-owner', '--full-time', '--quoting-style=literal'], {
      encoding: 'utf8',
      env: { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8' },
    })
      .trim()
      .split('\n');
    expect(listing).to.deep.equal([
      'drwxr-xr-x 0/0               0 2023-11-14 22:13:20 etc/',
      '-rw-r--r-- 0/0               5 2023-11-14 22:13:20 etc/passwd',
      'drwxrwxrwt 0/0               0 2023-11-14 22:13:20 tmp/',
      `-rwxr-xr-x 0/0               3 2023-11-14 22:13:20 ${longDir}/index.js`,
      `-rw-r--r-- 0/0               4 2023-11-14 22:13:20 ${veryLong}`,
      '-rw-r--r-- 0/0               2 2023-11-14 22:13:20 licences/Lizenz-für-alle.txt',
      'lrwxrwxrwx 0/0               0 2023-11-14 22:13:20 lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
      `lrwxrwxrwx 0/0               0 2023-11-14 22:13:20 far -> ${longTarget}`,
      'drwx------ 65532/65532       0 2023-11-14 22:13:20 home/nonroot/',
    ]);
    mkdirSync(join(dir, 'x'));
    execFileSync('tar', ['-xf', join(dir, 'a.tar'), '-C', join(dir, 'x')]);
    expect(readFileSync(join(dir, 'x', veryLong), 'utf8')).to.equal('pax\n');
    expect(readFileSync(join(dir, 'x', 'licences/Lizenz-für-alle.txt'), 'utf8')).to.equal('ü');
  });
});

describe('hack/image layer entries', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ecss-layer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists parents before children in byte order, owned by root, with modes that ignore the umask', () => {
    const root = join(dir, 'stage');
    mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
    mkdirSync(join(root, 'tmp'));
    mkdirSync(join(root, 'root'));
    mkdirSync(join(root, 'a-b'));
    writeFileSync(join(root, 'usr/local/bin/node'), 'elf');
    writeFileSync(join(root, 'B'), 'capital first');
    symlinkSync('/app/bin/ecs-scheduler', join(root, 'usr/local/bin/ecs-scheduler'));
    chmodSync(join(root, 'usr/local/bin/node'), 0o700);
    chmodSync(join(root, 'B'), 0o600);
    chmodSync(join(root, 'tmp'), 0o1777);
    chmodSync(join(root, 'root'), 0o700);
    chmodSync(join(root, 'a-b'), 0o775);
    const summary = layerEntries(root).map((entry) => [entry.path, entry.type === 'symlink' ? entry.target : entry.mode.toString(8), entry.uid]);
    expect(summary).to.deep.equal([
      ['B', '644', 0],
      ['a-b', '755', 0],
      ['root', '700', 0],
      ['tmp', '1777', 0],
      ['usr', '755', 0],
      ['usr/local', '755', 0],
      ['usr/local/bin', '755', 0],
      ['usr/local/bin/ecs-scheduler', '/app/bin/ecs-scheduler', 0],
      ['usr/local/bin/node', '755', 0],
    ]);
    const first = writeLayer({ root, path: join(dir, 'first.tar'), mtime });
    const second = writeLayer({ root, path: join(dir, 'second.tar'), mtime });
    expect(second.digest).to.equal(first.digest).and.to.match(/^sha256:[0-9a-f]{64}$/);
  });
});
