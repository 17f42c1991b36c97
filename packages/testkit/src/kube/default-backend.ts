import type http from 'node:http'
import type { KObject } from './store.js'

/**
 * The answer a pod gives when no backend hook claims its port: enough of Triton (8000 HTTP,
 * 8002 metrics) and the DCGM exporter (9400) for readiness probes and proxy tests.
 */
export function minimalBackend(pod: KObject, port: number): http.RequestListener | undefined {
  if (port === 8000) {
    return (req, res) => {
      const path = (req.url ?? '/').split('?')[0]
      if (path === '/v2/health/ready' || path === '/v2/health/live') {
        res.writeHead(200, { 'Content-Length': '0' })
        return res.end()
      }
      if (path === '/v2') {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        return res.end(JSON.stringify({ name: 'triton', version: '2.52.0', extensions: ['model_repository'] }))
      }
      res.writeHead(404, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ error: `no route ${path} on ${pod.metadata.name}` }))
    }
  }
  if (port === 8002) {
    return (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' })
      res.end(
        '# HELP nv_inference_pending_request_count Instantaneous number of pending requests\n# TYPE nv_inference_pending_request_count gauge\nnv_inference_pending_request_count{model="default",version="1"} 0\n'
      )
    }
  }
  if (port === 9400) {
    return (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' })
      res.end(
        `# HELP DCGM_FI_DEV_GPU_TEMP GPU temperature (in C).\n# TYPE DCGM_FI_DEV_GPU_TEMP gauge\nDCGM_FI_DEV_GPU_TEMP{gpu="0",Hostname="${pod.spec.nodeName ?? ''}"} 45\n`
      )
    }
  }
  return undefined
}
