// A tar writer whose output depends only on the entries given: no clock, no owner names, no umask, no
// host. POSIX ustar headers, with a pax extended header for a path or link target that does not fit.
// hack/image writes the image's layers and the image archive with it; `tar` reads both.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

const block = 512;

/** One member of an archive. Directories' paths end without a slash; the writer adds it. */
export type TarEntry =
  | { type: 'directory'; path: string; mode: number; uid: number; gid: number }
  | { type: 'file'; path: string; mode: number; uid: number; gid: number; size: number; source: string | Buffer }
  | { type: 'symlink'; path: string; target: string; uid: number; gid: number };

/** Where the bytes go: the writer calls it in order, with every byte of the archive. */
export type TarSink = (chunk: Buffer) => void;

/** Writes entries in the order given, every one with the same modification time. */
export class TarWriter {
  private readonly sink: TarSink;
  private readonly mtime: number;

  constructor(options: { sink: TarSink; mtime: number }) {
    this.sink = options.sink;
    this.mtime = options.mtime;
  }

  add(entry: TarEntry): void {
    const path = entry.type === 'directory' ? `${entry.path}/` : entry.path;
    const target = entry.type === 'symlink' ? entry.target : '';
    const split = splitPath(path);
    const pax: Record<string, string> = {};
    if (split === undefined) pax.path = path;
    if (Buffer.byteLength(target) > 100 || !isAscii(target)) pax.linkpath = target;
    if (Object.keys(pax).length > 0) {
      const body = paxRecords(pax);
      this.header({ name: paxHeaderName(path), mode: 0o644, uid: 0, gid: 0, size: body.length, typeflag: 'x', linkname: '', prefix: '' });
      this.body(body);
    }
    const { name, prefix } = split ?? { name: path.slice(-100).replace(/^[^/]*\//, ''), prefix: '' };
    const common = { name, prefix, uid: entry.uid, gid: entry.gid };
    switch (entry.type) {
      case 'directory':
        this.header({ ...common, mode: entry.mode, size: 0, typeflag: '5', linkname: '' });
        break;
      case 'symlink':
        this.header({ ...common, mode: 0o777, size: 0, typeflag: '2', linkname: pax.linkpath ? '' : target });
        break;
      case 'file':
        this.header({ ...common, mode: entry.mode, size: entry.size, typeflag: '0', linkname: '' });
        if (Buffer.isBuffer(entry.source)) this.body(entry.source);
        else this.copyFile(entry.source, entry.size);
        break;
    }
  }

  /** Ends the archive: two zero blocks. */
  finish(): void {
    this.sink(Buffer.alloc(2 * block));
  }

  private header(fields: {
    name: string;
    prefix: string;
    mode: number;
    uid: number;
    gid: number;
    size: number;
    typeflag: string;
    linkname: string;
  }): void {
    const header = Buffer.alloc(block);
    header.write(fields.name, 0, 100, 'utf8');
    writeOctal(header, 100, 8, fields.mode);
    writeOctal(header, 108, 8, fields.uid);
    writeOctal(header, 116, 8, fields.gid);
    writeOctal(header, 124, 12, fields.size);
    writeOctal(header, 136, 12, this.mtime);
    header.fill(' ', 148, 156);
    header.write(fields.typeflag, 156, 1, 'ascii');
    header.write(fields.linkname, 157, 100, 'utf8');
    header.write('ustar\u000000', 257, 8, 'ascii');
    // uname and gname stay empty: readers then use the numeric ids, whatever the host's names are.
    writeOctal(header, 329, 8, 0);
    writeOctal(header, 337, 8, 0);
    header.write(fields.prefix, 345, 155, 'utf8');
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
    this.sink(header);
  }

  private body(data: Buffer): void {
    this.sink(data);
    this.pad(data.length);
  }

  private copyFile(path: string, size: number): void {
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(1 << 20);
      let copied = 0;
      while (copied < size) {
        const read = readSync(fd, buffer, 0, Math.min(buffer.length, size - copied), copied);
        if (read === 0) throw new Error(`${path} shrank while being archived`);
        this.sink(Buffer.from(buffer.subarray(0, read)));
        copied += read;
      }
    } finally {
      closeSync(fd);
    }
    this.pad(size);
  }

  private pad(size: number): void {
    const rest = size % block;
    if (rest !== 0) this.sink(Buffer.alloc(block - rest));
  }
}

/** Returns a sink that appends to a file, and a function that closes it. */
export function fileSink(path: string): { sink: TarSink; close: () => void } {
  const fd = openSync(path, 'w');
  return {
    sink: (chunk) => {
      let written = 0;
      while (written < chunk.length) written += writeSync(fd, chunk, written);
    },
    close: () => closeSync(fd),
  };
}

function isAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

/** Returns ustar's name and prefix for a path, or undefined when it needs a pax header. */
function splitPath(path: string): { name: string; prefix: string } | undefined {
  if (!isAscii(path)) return undefined;
  if (path.length <= 100) return { name: path, prefix: '' };
  // The prefix ends at a slash (not stored) and the name is what follows it; a directory's trailing slash
  // stays in the name.
  for (let cut = path.indexOf('/'); cut !== -1; cut = path.indexOf('/', cut + 1)) {
    const prefix = path.slice(0, cut);
    const name = path.slice(cut + 1);
    if (prefix.length <= 155 && name.length <= 100 && name !== '' && name !== '/') return { name, prefix };
  }
  return undefined;
}

/** A pax header's own name: fixed, so the archive does not vary with a process id as GNU tar's does. */
function paxHeaderName(path: string): string {
  const base = path.replace(/\/$/, '').split('/').pop() ?? '';
  return `PaxHeader/${Buffer.from(base).subarray(0, 80).toString('latin1').replace(/[^\x20-\x7e]/g, '_')}`;
}

/** Encodes pax records: "<length> <key>=<value>\n", the length counting itself. */
function paxRecords(records: Record<string, string>): Buffer {
  const lines = Object.entries(records).map(([key, value]) => {
    const rest = ` ${key}=${value}\n`;
    let length = Buffer.byteLength(rest) + 1;
    while (String(length).length + Buffer.byteLength(rest) !== length) length = String(length).length + Buffer.byteLength(rest);
    return `${length}${rest}`;
  });
  return Buffer.from(lines.join(''), 'utf8');
}

function writeOctal(header: Buffer, offset: number, width: number, value: number): void {
  const digits = value.toString(8);
  if (digits.length > width - 1) throw new Error(`tar: ${value} does not fit in ${width - 1} octal digits`);
  header.write(`${digits.padStart(width - 1, '0')}\u0000`, offset, width, 'ascii');
}
