import { describe, test, expect } from '@jest/globals'
import { parsePbtxt, PbtxtSyntaxError, scalarField, fieldsNamed, messageField, type PbMessage } from '../src/pbtxt-parser.js'

describe('parsePbtxt', () => {
  test('reads a realistic Triton config with lines', () => {
    const msg = parsePbtxt(
      [
        '# comment',
        'name: "resnet"',
        "platform: 'onnxruntime_onnx'",
        'max_batch_size: 8',
        'input [',
        '  { name: "IN", data_type: TYPE_FP32, dims: [ 3, 224, -1 ] },',
        '  { name: "IN2" data_type: TYPE_INT64 dims: [1] }',
        ']',
        'dynamic_batching { max_queue_delay_microseconds: 100 }',
        'parameters: { key: "x" value: { string_value: "a\\"b" } }',
        'optimization < cuda { graphs: true } >;'
      ].join('\n')
    )
    expect(scalarField(msg, 'name')).toMatchObject({ kind: 'string', text: 'resnet', line: 2 })
    expect(scalarField(msg, 'platform')?.text).toBe('onnxruntime_onnx')
    expect(scalarField(msg, 'max_batch_size')).toMatchObject({ kind: 'number', text: '8', line: 4 })
    const inputs = fieldsNamed(msg, 'input')
    expect(inputs.map((f) => f.line)).toEqual([5, 5])
    const first = inputs[0].value as PbMessage
    expect(fieldsNamed(first, 'dims').map((d) => (d.value.kind === 'message' ? '' : d.value.text))).toEqual(['3', '224', '-1'])
    expect(scalarField(first, 'data_type')).toMatchObject({ kind: 'ident', text: 'TYPE_FP32', line: 6 })
    expect(messageField(msg, 'dynamic_batching')?.fields[0].name).toBe('max_queue_delay_microseconds')
    const params = messageField(msg, 'parameters')!
    expect(scalarField(messageField(params, 'value')!, 'string_value')?.text).toBe('a"b')
    expect(messageField(msg, 'optimization')).toBeDefined()
  })

  test.each([
    ['name "x"', 1, /expected ':' or '\{' after field 'name'/],
    ['name: "x"\ninput [ { name: "a" ]', 2, /expected a field name, found '\]'/],
    ['name: "x\n', 1, /unterminated string/],
    ['a {\n b: 1\n', 2, /missing '\}' to close the message opened on line 1/],
    ['dims: [1 2]', 1, /expected ',' or '\]'/],
    ['x: 1\n\n  $', 3, /unexpected character '\$'/],
    ['x:', 1, /field 'x' has no value/]
  ])('syntax error in %j is reported on line %i', (src, line, message) => {
    let err: unknown
    try {
      parsePbtxt(src)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(PbtxtSyntaxError)
    expect((err as PbtxtSyntaxError).line).toBe(line)
    expect((err as Error).message).toMatch(message)
  })
})
