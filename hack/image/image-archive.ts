// The image archive around the layers: the image config, an OCI manifest and index, and Docker's
// manifest.json, as `docker save` (Docker 25 and later) writes them. One tar is then both a docker-archive
// (`docker load`, skopeo `docker-archive:`) and an OCI image layout (skopeo `oci-archive:`, crane).
// Layers are stored uncompressed, as `docker save` does: their digests are the diff IDs, and no
// compressor's version can change the image's digest.
import { createHash } from 'node:crypto';
import type { LayerFile } from './layer.js';
import { TarWriter, type TarEntry } from './tar-writer.js';

/** How the image runs. The Dockerfile says the same (test/integration/image.test.ts checks that they agree). */
export const runtimeConfig = {
  User: '65532:65532',
  Env: ['PATH=/usr/local/bin:/usr/bin:/bin'],
  Entrypoint: ['/usr/local/bin/ecs-scheduler'],
  Cmd: ['--help'],
  WorkingDir: '/app',
};

/** A layer of the image, written, with the line `docker history` shows for it. */
export interface ImageLayer extends LayerFile {
  createdBy: string;
}

export interface ImageOptions {
  /** `name:tag`, as `docker load` will tag it. */
  tag: string;
  layers: ImageLayer[];
  /** Seconds since the epoch: the image's `created`, and every file's modification time. */
  epoch: number;
  labels: Record<string, string>;
}

/** A blob of the archive: a JSON document or a layer file. */
interface Blob {
  digest: string;
  size: number;
  source: Buffer | string;
}

/** The digests that name the image. */
export interface ImageDigests {
  /** The config's digest: what `docker images` shows as IMAGE ID. */
  imageId: string;
  /** The OCI manifest's digest (uncompressed layers; a registry push compresses, so its digest differs). */
  manifestDigest: string;
}

function jsonBlob(value: unknown): Blob {
  const data = Buffer.from(JSON.stringify(value));
  return { digest: `sha256:${createHash('sha256').update(data).digest('hex')}`, size: data.length, source: data };
}

const blobPath = (digest: string): string => `blobs/sha256/${digest.slice('sha256:'.length)}`;

/** Writes the image archive to the sink and returns its digests. */
export function writeImageArchive(options: ImageOptions, sink: (chunk: Buffer) => void): ImageDigests {
  const created = new Date(options.epoch * 1000).toISOString();
  const config = jsonBlob({
    architecture: 'amd64',
    os: 'linux',
    created,
    config: { ...runtimeConfig, Labels: options.labels },
    rootfs: { type: 'layers', diff_ids: options.layers.map((layer) => layer.digest) },
    history: options.layers.map((layer) => ({ created, created_by: layer.createdBy })),
  });
  const manifest = jsonBlob({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.size },
    layers: options.layers.map((layer) => ({
      mediaType: 'application/vnd.oci.image.layer.v1.tar',
      digest: layer.digest,
      size: layer.size,
    })),
  });
  const [name, reference] = splitTag(options.tag);
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: manifest.digest,
        size: manifest.size,
        annotations: { 'io.containerd.image.name': `${name}:${reference}`, 'org.opencontainers.image.ref.name': reference },
      },
    ],
  };
  const dockerManifest = [
    { Config: blobPath(config.digest), RepoTags: [options.tag], Layers: options.layers.map((layer) => blobPath(layer.digest)) },
  ];

  const blobs = new Map<string, Blob>();
  for (const blob of [config, manifest, ...options.layers.map((layer) => ({ ...layer, source: layer.path }))]) blobs.set(blob.digest, blob);
  const file = (path: string, source: Buffer | string, size: number): TarEntry => ({ type: 'file', path, mode: 0o644, uid: 0, gid: 0, size, source });
  const json = (path: string, value: unknown): TarEntry => {
    const data = Buffer.from(JSON.stringify(value));
    return file(path, data, data.length);
  };
  const entries: TarEntry[] = [
    { type: 'directory', path: 'blobs', mode: 0o755, uid: 0, gid: 0 },
    { type: 'directory', path: 'blobs/sha256', mode: 0o755, uid: 0, gid: 0 },
    ...[...blobs.values()].sort((a, b) => (a.digest < b.digest ? -1 : 1)).map((blob) => file(blobPath(blob.digest), blob.source, blob.size)),
    json('index.json', index),
    json('manifest.json', dockerManifest),
    json('oci-layout', { imageLayoutVersion: '1.0.0' }),
  ];
  const tar = new TarWriter({ sink, mtime: options.epoch });
  for (const entry of entries) tar.add(entry);
  tar.finish();
  return { imageId: config.digest, manifestDigest: manifest.digest };
}

/** Splits `name:tag` (a registry host's port is not a tag). */
function splitTag(tag: string): [string, string] {
  const colon = tag.lastIndexOf(':');
  if (colon <= tag.lastIndexOf('/')) throw new Error(`image tag ${tag}: expected name:tag`);
  const name = tag.slice(0, colon);
  // containerd names images in full: docker.io/library/ for a bare name, as `docker save` writes it.
  const full = name.includes('/') ? (name.split('/')[0]!.match(/[.:]|^localhost$/) ? name : `docker.io/${name}`) : `docker.io/library/${name}`;
  return [full, tag.slice(colon + 1)];
}
