import { describe, expect, test } from '@jest/globals'
import { createServer } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runAction } from '@gpuship/testkit'

const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..')

describe('eks-teardown refuses without the typed confirmation', () => {
  test.each([
    ['empty', '', "Refusing to tear down cluster 'gpu-prod': input confirm is empty."],
    ['another name', 'gpu-staging', "Refusing to tear down cluster 'gpu-prod': input confirm is 'gpu-staging', which is not the cluster name."],
    ['trailing space', 'gpu-prod ', "Refusing to tear down cluster 'gpu-prod': input confirm is 'gpu-prod ', which is not the cluster name."]
  ])('%s: fails before any AWS or terraform call', async (_name, confirm, message) => {
    // Any request reaching this endpoint would mean teardown started despite the refusal.
    let requests = 0
    const aws = createServer((_req, res) => {
      requests++
      res.writeHead(500).end()
    })
    await new Promise<void>((r) => aws.listen(0, '127.0.0.1', r))
    const port = (aws.address() as { port: number }).port
    try {
      const r = await runAction({
        actionDir,
        inputs: { 'cluster-name': 'gpu-prod', 'aws-region': 'us-east-1', confirm, 'terraform-binary': '/nonexistent/terraform' },
        env: { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-example-key' }
      })
      expect(r.exitCode).toBe(1)
      expect(r.errors[0]).toBe(`${message} (input: confirm)\nFix: Type the cluster name exactly to confirm: confirm: gpu-prod`)
      expect(r.outputs).toEqual({})
      expect(requests).toBe(0)
    } finally {
      await new Promise((r) => aws.close(r))
    }
  })

  test('a bad cluster name is refused with the expected shape', async () => {
    const r = await runAction({ actionDir, inputs: { 'cluster-name': 'bad name;rm', 'aws-region': 'us-east-1', confirm: 'bad name;rm' } })
    expect(r.exitCode).toBe(1)
    expect(r.errors[0]).toContain("Invalid cluster-name 'bad name;rm'. Expected an EKS cluster name")
  })
})
