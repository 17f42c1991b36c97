/**
 * XID errors the NVIDIA driver reports (DCGM_FI_DEV_XID_ERRORS holds the last one seen, 0 for
 * none). Meanings after NVIDIA's "XID Errors" catalogue; the critical set are the ones that mean
 * the GPU itself (memory, bus, interconnect, firmware) needs a drain, a reset or an RMA, rather
 * than an application bug.
 */
export const XID_MEANINGS: Record<number, string> = {
  13: 'Graphics engine exception (usually an application fault)',
  31: 'GPU memory page fault (usually an application fault)',
  43: 'GPU stopped processing (application hit a software-induced fault)',
  45: 'Preemptive cleanup, due to a previous error',
  48: 'Double-bit ECC error: uncorrectable memory error, drain and reset the GPU',
  61: 'Internal micro-controller breakpoint/warning',
  62: 'Internal micro-controller halt: reset the GPU',
  63: 'ECC page retirement or row-remapping recording event: reset the GPU to apply it',
  64: 'ECC page retirement or row-remapper recording failure: the GPU needs service',
  68: 'NVDEC0 exception',
  74: 'NVLink error: check the NVLink/NVSwitch fabric, reset the GPU',
  79: 'GPU has fallen off the bus: node needs a reboot, check power/PCIe seating',
  92: 'High single-bit ECC error rate',
  94: 'Contained ECC error: restart the affected application, then reset the GPU',
  95: 'Uncontained ECC error: drain the node and reset the GPU',
  119: 'GSP RPC timeout: GPU firmware unresponsive, reset the GPU',
  120: 'GSP error: GPU firmware fault, reset the GPU',
  140: 'Unrecovered ECC error: drain and reset the GPU'
}

export const DEFAULT_CRITICAL_XIDS: number[] = [48, 62, 63, 64, 74, 79, 92, 94, 95, 119, 120, 140]

export function xidMeaning(xid: number): string {
  return XID_MEANINGS[xid] ?? 'see NVIDIA XID catalogue (https://docs.nvidia.com/deploy/xid-errors/)'
}
