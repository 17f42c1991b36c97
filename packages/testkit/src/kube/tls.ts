import { generate } from 'selfsigned'

export interface SimulatorTls {
  /** PEM of the CA that signed the serving certificate (what kubeconfig trusts). */
  caPem: string
  cert: string
  key: string
}

let cached: Promise<SimulatorTls> | undefined

/**
 * A CA and a serving certificate for 127.0.0.1, made once per process: EC P-256 keeps key generation
 * in milliseconds, and Go's TLS (kubectl) and Node both accept it.
 */
export function simulatorTls(): Promise<SimulatorTls> {
  cached ??= (async () => {
    const notAfterDate = new Date(Date.now() + 7 * 24 * 3600_000)
    const ca = await generate([{ name: 'commonName', value: 'gpuship-kube-simulator-ca' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notAfterDate,
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
      ]
    } as never)
    const leaf = await generate([{ name: 'commonName', value: 'kube-apiserver' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notAfterDate,
      ca: { key: ca.private, cert: ca.cert },
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 7, ip: '127.0.0.1' },
            { type: 2, value: 'localhost' }
          ]
        }
      ]
    } as never)
    return { caPem: ca.cert, cert: leaf.cert, key: leaf.private }
  })()
  return cached
}
