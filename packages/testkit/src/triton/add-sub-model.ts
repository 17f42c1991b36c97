/**
 * The add_sub model from Triton's examples (python_backend/examples/add_sub): two FP32
 * inputs INPUT0, INPUT1 of shape [N]; OUTPUT0 = INPUT0 + INPUT1, OUTPUT1 = INPUT0 - INPUT1,
 * computed for real on the KServe v2 JSON tensors.
 */
export interface KServeTensor {
  name: string
  datatype: string
  shape: number[]
  data: unknown[]
  parameters?: Record<string, unknown>
}

export class TritonInferError extends Error {}

const FP32 = new Float32Array(1)
function f32(v: number): number {
  FP32[0] = v
  return FP32[0]
}

function flat(t: KServeTensor): number[] {
  const values = (t.data as unknown[]).flat(Infinity as 1) as unknown[]
  const expected = t.shape.reduce((a, b) => a * b, 1)
  if (values.length !== expected) throw new TritonInferError(`unexpected shape for input '${t.name}' for model 'add_sub'. Expected [${t.shape.join(',')}] to hold ${expected} elements, got ${values.length}`)
  return values.map((v) => {
    if (typeof v !== 'number') throw new TritonInferError(`unable to parse 'data': expected a number for input '${t.name}' (datatype FP32)`)
    return f32(v)
  })
}

export function addSubModelConfig(name = 'add_sub', dims = 16): Record<string, unknown> {
  return {
    name,
    platform: '',
    backend: 'python',
    max_batch_size: 0,
    input: [
      { name: 'INPUT0', data_type: 'TYPE_FP32', dims: [String(dims)] },
      { name: 'INPUT1', data_type: 'TYPE_FP32', dims: [String(dims)] }
    ],
    output: [
      { name: 'OUTPUT0', data_type: 'TYPE_FP32', dims: [String(dims)] },
      { name: 'OUTPUT1', data_type: 'TYPE_FP32', dims: [String(dims)] }
    ],
    instance_group: [{ name: `${name}_0`, kind: 'KIND_GPU', count: 1, gpus: [0] }]
  }
}

export function runAddSub(inputs: KServeTensor[], requested?: { name: string }[], wrong = false): KServeTensor[] {
  const a = inputs.find((t) => t.name === 'INPUT0')
  const b = inputs.find((t) => t.name === 'INPUT1')
  if (!a || !b) throw new TritonInferError(`expected 2 inputs but got ${inputs.length} inputs for model 'add_sub'. Got input(s) ${inputs.map((t) => `'${t.name}'`).join(', ')}, but missing required input(s) ${[!a && "'INPUT0'", !b && "'INPUT1'"].filter(Boolean).join(', ')}`)
  for (const t of [a, b]) if (t.datatype !== 'FP32') throw new TritonInferError(`inference input '${t.name}' data-type is '${t.datatype}', but model 'add_sub' expects 'FP32'`)
  const x = flat(a)
  const y = flat(b)
  if (x.length !== y.length) throw new TritonInferError(`input shapes differ: INPUT0 [${a.shape.join(',')}] vs INPUT1 [${b.shape.join(',')}]`)
  // a broken build (wrong kernel, bad weights) still answers, just with the wrong numbers
  const sum = x.map((v, i) => f32(v + y[i] + (wrong ? 1 : 0)))
  const diff = x.map((v, i) => f32(v - y[i]))
  const outputs: KServeTensor[] = [
    { name: 'OUTPUT0', datatype: 'FP32', shape: [...a.shape], data: sum },
    { name: 'OUTPUT1', datatype: 'FP32', shape: [...a.shape], data: diff }
  ]
  if (!requested?.length) return outputs
  for (const r of requested) if (!outputs.some((o) => o.name === r.name)) throw new TritonInferError(`unexpected inference output '${r.name}' for model 'add_sub'`)
  return outputs.filter((o) => requested.some((r) => r.name === o.name))
}
