// One image layer from a staged directory tree (hack/image/stage.sh): every file, directory and symlink
// under it, in sorted order, owned by root, with normalised modes and one modification time. What is left
// of the build machine in the tar is only the content and the executable bits.
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip, constants as zlib } from 'node:zlib';
import { fileSink, TarWriter, type TarEntry } from './tar-writer.js';

/** What a written layer is: its uncompressed digest (the diff ID) and sizes. */
export interface LayerFile {
  path: string;
  digest: string;
  size: number;
}

/**
 * Returns the entries of a staged tree, parents before children, names in byte order. Directories are
 * 0755, 0700 or 1777 and files 0755 or 0644, after their executable bit: whatever else the staging umask
 * or a package left in the modes does not reach the image.
 */
export function layerEntries(root: string): TarEntry[] {
  const entries: TarEntry[] = [];
  const walk = (dir: string, prefix: string): void => {
    const names = readdirSync(dir).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const name of names) {
      const full = join(dir, name);
      const path = prefix === '' ? name : `${prefix}/${name}`;
      const stat = lstatSync(full);
      const owner = { uid: 0, gid: 0 };
      if (stat.isSymbolicLink()) {
        entries.push({ type: 'symlink', path, target: readlinkSync(full), ...owner });
      } else if (stat.isDirectory()) {
        entries.push({ type: 'directory', path, mode: directoryMode(stat.mode), ...owner });
        walk(full, path);
      } else if (stat.isFile()) {
        entries.push({ type: 'file', path, mode: stat.mode & 0o111 ? 0o755 : 0o644, size: stat.size, source: full, ...owner });
      } else {
        throw new Error(`${full}: only files, directories and symlinks can go into an image layer`);
      }
    }
  };
  walk(root, '');
  return entries;
}

/** Sticky stays 1777 (/tmp), private stays 0700 (/root), anything else is 0755. */
function directoryMode(mode: number): number {
  if (mode & 0o1000) return 0o1777;
  return (mode & 0o077) === 0 ? 0o700 : 0o755;
}

/** Writes a layer tar of a staged tree to `path` and returns its digest and size. */
export function writeLayer(options: { root: string; path: string; mtime: number }): LayerFile {
  const hash = createHash('sha256');
  let size = 0;
  const file = fileSink(options.path);
  try {
    const tar = new TarWriter({
      mtime: options.mtime,
      sink: (chunk) => {
        hash.update(chunk);
        size += chunk.length;
        file.sink(chunk);
      },
    });
    for (const entry of layerEntries(options.root)) tar.add(entry);
    tar.finish();
  } finally {
    file.close();
  }
  return { path: options.path, digest: `sha256:${hash.digest('hex')}`, size };
}

/** Returns the size of a file gzipped at the default level, about what a registry push stores. */
export async function gzippedSize(path: string): Promise<number> {
  let size = 0;
  await pipeline(createReadStream(path), createGzip({ level: zlib.Z_DEFAULT_COMPRESSION }), async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) size += chunk.length;
  });
  return size;
}
