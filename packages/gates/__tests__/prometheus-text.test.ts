import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createExpositionParser, parsePrometheusText } from '../src/index.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures')
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8')

describe('Prometheus text exposition parser', () => {
  test('HELP, TYPE, labels, comments, timestamps', () => {
    const text = [
      '# A plain comment is ignored',
      '# HELP http_requests_total The total number of HTTP requests.',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="post",code="200"} 1027 1395066363000',
      'http_requests_total{method="post",code="400"}    3 1395066363000',
      '',
      'metric_without_timestamp_and_labels 12.47',
      '# HELP escaped Help with a backslash \\\\ and a newline \\n inside.',
      '# TYPE escaped gauge',
      'escaped{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
      'trailing_comma{a="1",} -3e-2'
    ].join('\n')
    const fams = parsePrometheusText(text)
    const http = fams.find((f) => f.name === 'http_requests_total')!
    expect(http.type).toBe('counter')
    expect(http.help).toBe('The total number of HTTP requests.')
    expect(http.samples).toEqual([
      { name: 'http_requests_total', labels: { method: 'post', code: '200' }, value: 1027, timestampMs: 1395066363000 },
      { name: 'http_requests_total', labels: { method: 'post', code: '400' }, value: 3, timestampMs: 1395066363000 }
    ])
    const esc = fams.find((f) => f.name === 'escaped')!
    expect(esc.help).toBe('Help with a backslash \\ and a newline \n inside.')
    expect(esc.samples[0].labels).toEqual({ path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' })
    expect(esc.samples[0].value).toBe(1458255915)
    expect(fams.find((f) => f.name === 'metric_without_timestamp_and_labels')!.type).toBe('untyped')
    expect(fams.find((f) => f.name === 'trailing_comma')!.samples[0].value).toBe(-0.03)
  })

  test('NaN, +Inf, -Inf and negative timestamps', () => {
    const fams = parsePrometheusText('a NaN\nb +Inf\nc -Inf -1\n')
    expect(Number.isNaN(fams[0].samples[0].value)).toBe(true)
    expect(fams[1].samples[0].value).toBe(Infinity)
    expect(fams[2].samples[0]).toEqual({ name: 'c', labels: {}, value: -Infinity, timestampMs: -1 })
  })

  test('histogram and summary samples belong to their family', () => {
    const text = [
      '# TYPE rpc_duration_seconds summary',
      'rpc_duration_seconds{quantile="0.5"} 4773',
      'rpc_duration_seconds_sum 1.7560473e+07',
      'rpc_duration_seconds_count 2693',
      '# TYPE lat histogram',
      'lat_bucket{le="0.1"} 1',
      'lat_bucket{le="+Inf"} 3',
      'lat_sum 0.4',
      'lat_count 3'
    ].join('\n')
    const fams = parsePrometheusText(text)
    expect(fams.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['rpc_duration_seconds', 'summary', 3],
      ['lat', 'histogram', 4]
    ])
  })

  test.each([
    ['duplicate series (label order does not matter)', 'x{a="1",b="2"} 1\nx{b="2",a="1"} 2\n', /duplicate series x\{a="1",b="2"\}/],
    ['unterminated label value', 'x{a="1} 1\n', /unterminated value of label a/],
    ['bad escape', 'x{a="\\t"} 1\n', /invalid escape/],
    ['bad value', 'x 1.2.3\n', /invalid sample value "1.2.3"/],
    ['bad timestamp', 'x 1 12.5\n', /invalid timestamp/],
    ['unknown TYPE', '# TYPE x gauges\nx 1\n', /unknown metric type "gauges"/],
    ['TYPE after samples', 'x 1\n# TYPE x gauge\n', /TYPE for x after its samples/],
    ['second HELP', '# HELP x a\n# HELP x b\n', /second HELP/],
    ['unquoted label', 'x{a=1} 1\n', /must be quoted/],
    ['HTML instead of metrics', '<html><body>login</body></html>\n', /invalid metric name/]
  ])('rejects %s with the line number', (_, text, re) => {
    expect(() => parsePrometheusText(text, 'scrape.txt')).toThrow(re)
    expect(() => parsePrometheusText(text, 'scrape.txt')).toThrow(/scrape\.txt:\d+:/)
  })

  test('streaming: any chunking gives the same result as one write, incl. split UTF-8', () => {
    const text = fixture('readme-kubernetes.prom') + 'unicode{model="Ärger ✓"} 1\n'
    const whole = parsePrometheusText(text)
    const bytes = Buffer.from(text, 'utf8')
    for (const size of [1, 2, 3, 7, 64]) {
      const p = createExpositionParser()
      for (let i = 0; i < bytes.length; i += size) p.write(bytes.subarray(i, i + size))
      expect(p.end()).toEqual(whole)
    }
    expect(whole.at(-1)!.samples[0].labels.model).toBe('Ärger ✓')
  })

  test('a final line without a newline is parsed; CRLF is accepted', () => {
    expect(parsePrometheusText('a 1\r\nb 2').map((f) => f.samples[0].value)).toEqual([1, 2])
  })

  test('real dcgm-exporter output: README quickstart (space after comma, int64 blank value)', () => {
    const fams = parsePrometheusText(fixture('readme-quickstart.prom'))
    expect(fams.map((f) => [f.name, f.type, f.help])).toEqual([
      ['DCGM_FI_DEV_SM_CLOCK', 'gauge', 'SM clock frequency (in MHz).'],
      ['DCGM_FI_DEV_MEM_CLOCK', 'gauge', 'Memory clock frequency (in MHz).'],
      ['DCGM_FI_DEV_MEMORY_TEMP', 'gauge', 'Memory temperature (in C).']
    ])
    expect(fams[0].samples[0].labels).toEqual({ gpu: '0', UUID: 'GPU-604ac76c-d9cf-fef3-62e9-d92044ab6e52' })
    expect(fams[2].samples[0].value).toBe(Number('9223372036854775794')) // DCGM's 'not supported' sentinel, as a double
  })

  test('real dcgm-exporter output: server test expectation (empty HELP, hostname label)', () => {
    const [f] = parsePrometheusText(fixture('server-test-expected.prom'))
    expect(f).toMatchObject({ name: 'TEST_METRIC', type: 'gauge', help: '' })
    expect(f.samples[0].labels).toEqual({ gpu: '0', UUID: 'GPU-00000000-0000-0000-0000-000000000000', pci_bus_id: '', device: 'nvidia0', modelName: 'NVIDIA T400 4GB', hostname: 'testhost' })
    expect(f.samples[0].value).toBe(42)
  })

  test('keepSamples:false streams samples to the callback without storing them', () => {
    const seen: string[] = []
    const p = createExpositionParser({ keepSamples: false, onSample: (s, fam) => seen.push(`${fam.name}:${s.value}`) })
    p.write('# TYPE a gauge\na{x="1"} 1\na{x="2"} 2\n')
    const fams = p.end()
    expect(seen).toEqual(['a:1', 'a:2'])
    expect(fams[0].samples).toHaveLength(0)
  })
})
