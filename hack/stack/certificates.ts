import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Files of the apiserver's TLS and service-account keys; caPem is what clients trust. */
export interface ApiserverCertificates {
  caFile: string;
  caPem: string;
  servingCertFile: string;
  servingKeyFile: string;
  serviceAccountPublicKeyFile: string;
  serviceAccountSigningKeyFile: string;
}

/**
 * Writes a throwaway CA, a serving certificate it signs for 127.0.0.1 and localhost, and a service-account
 * signing key into `dir`. Node can make keys but not certificates, hence openssl. EC P-256 keys: generating
 * RSA keys would cost a noticeable part of the start-up time.
 */
export async function writeApiserverCertificates(dir: string): Promise<ApiserverCertificates> {
  const file = (name: string): string => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    'req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', '30',
    '-subj', '/CN=ecs-scheduler-local-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await run('openssl', [
    'req', ...ec, '-keyout', file('serving.key'), '-out', file('serving.csr'), '-subj', '/CN=kube-apiserver',
  ]);
  await writeFile(
    file('serving.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n',
  );
  await run('openssl', [
    'x509', '-req', '-in', file('serving.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'),
    '-CAcreateserial', '-days', '30', '-extfile', file('serving.ext'), '-out', file('serving.crt'),
  ]);
  const serviceAccount = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  await writeFile(file('sa.pub'), serviceAccount.publicKey.export({ type: 'spki', format: 'pem' }));
  await writeFile(file('sa.key'), serviceAccount.privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });
  return {
    caFile: file('ca.crt'),
    caPem: await readFile(file('ca.crt'), 'utf8'),
    servingCertFile: file('serving.crt'),
    servingKeyFile: file('serving.key'),
    serviceAccountPublicKeyFile: file('sa.pub'),
    serviceAccountSigningKeyFile: file('sa.key'),
  };
}
