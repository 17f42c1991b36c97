locals {
  alert_labels = merge({ source = "gpuship" }, var.alert_labels)

  # GPU health rules. Each names the node and GPU so the on-call knows which machine to drain.
  gpu_alert_rules = [
    {
      alert  = "GpuXidError"
      expr   = "max by (node, gpu, UUID, modelName) (max_over_time(DCGM_FI_DEV_XID_ERRORS[10m])) > 0"
      for    = "0m"
      labels = merge(local.alert_labels, { severity = "critical" })
      annotations = {
        summary     = "XID error {{ $value }} on GPU {{ $labels.gpu }} of node {{ $labels.node }}"
        description = "The NVIDIA driver reported XID {{ $value }}. XIDs 48, 63, 64, 74, 79, 94 and 95 usually need the node drained and the GPU reset or replaced."
      }
    },
    {
      alert  = "GpuDoubleBitEccError"
      expr   = "max by (node, gpu, UUID) (increase(DCGM_FI_DEV_ECC_DBE_VOL_TOTAL[10m])) > 0"
      for    = "0m"
      labels = merge(local.alert_labels, { severity = "critical" })
      annotations = {
        summary     = "Double-bit ECC errors on GPU {{ $labels.gpu }} of node {{ $labels.node }}"
        description = "Uncorrectable memory errors corrupt results silently. Drain the node; the GPU needs a reset to retire the page."
      }
    },
    {
      alert  = "GpuRowRemapFailure"
      expr   = "max by (node, gpu, UUID) (DCGM_FI_DEV_ROW_REMAP_FAILURE) > 0"
      for    = "0m"
      labels = merge(local.alert_labels, { severity = "critical" })
      annotations = {
        summary     = "Row remapping failed on GPU {{ $labels.gpu }} of node {{ $labels.node }}"
        description = "The GPU has run out of spare memory rows. Replace the instance (terminate it; the node group or Karpenter brings a new one)."
      }
    },
    {
      alert  = "GpuTemperatureHigh"
      expr   = "max by (node, gpu, UUID) (DCGM_FI_DEV_GPU_TEMP) > ${var.gpu_temperature_warning_celsius}"
      for    = "5m"
      labels = merge(local.alert_labels, { severity = "warning" })
      annotations = {
        summary     = "GPU {{ $labels.gpu }} of node {{ $labels.node }} at {{ $value }} C"
        description = "Above ${var.gpu_temperature_warning_celsius} C for 5 minutes the GPU throttles its clocks and inference latency rises."
      }
    },
    {
      # A missing DCGM series counts as zero GPUs, so a node whose exporter died also fires.
      alert  = "GpusMissing"
      expr   = "sum by (node) (kube_node_status_allocatable{resource=\"nvidia_com_gpu\"}) > (count by (node) (DCGM_FI_DEV_GPU_TEMP) or sum by (node) (kube_node_status_allocatable{resource=\"nvidia_com_gpu\"}) * 0)"
      for    = "10m"
      labels = merge(local.alert_labels, { severity = "critical" })
      annotations = {
        summary     = "Node {{ $labels.node }} reports fewer GPUs to DCGM than it advertises to Kubernetes"
        description = "A GPU fell off the bus (often XID 79) or the DCGM exporter is not running on the node. Check kubectl -n ${var.namespace} get pods -o wide -l app.kubernetes.io/name=dcgm-exporter."
      }
    },
    {
      alert  = "GpuNodeWithoutAllocatableGpus"
      expr   = "max by (node) (kube_node_labels{label_nvidia_com_gpu_present=\"true\"}) unless on (node) (max by (node) (kube_node_status_allocatable{resource=\"nvidia_com_gpu\"}) > 0)"
      for    = "10m"
      labels = merge(local.alert_labels, { severity = "critical" })
      annotations = {
        summary     = "GPU node {{ $labels.node }} has no allocatable nvidia.com/gpu"
        description = "The NVIDIA device plugin is not running or not registered on the node; GPU pods stay Pending."
      }
    },
  ]

  dcgm_service_monitor = {
    apiVersion = "monitoring.coreos.com/v1"
    kind       = "ServiceMonitor"
    metadata = {
      name      = "dcgm-exporter"
      namespace = var.namespace
      labels    = { release = local.release, "app.kubernetes.io/part-of" = "gpuship" }
    }
    spec = {
      selector          = { matchLabels = { "app.kubernetes.io/name" = "dcgm-exporter" } }
      namespaceSelector = { matchNames = [var.namespace] }
      endpoints = [{
        port     = "metrics"
        interval = var.scrape_interval
        # Keep the exporter's pod/namespace labels: they name the workload using each GPU.
        honorLabels = true
        relabelings = [{
          sourceLabels = ["__meta_kubernetes_pod_node_name"]
          targetLabel  = "node"
        }]
      }]
    }
  }

  gpu_prometheus_rule = {
    apiVersion = "monitoring.coreos.com/v1"
    kind       = "PrometheusRule"
    metadata = {
      name      = "gpuship-gpu-health"
      namespace = var.namespace
      labels    = { release = local.release, "app.kubernetes.io/part-of" = "gpuship" }
    }
    spec = {
      groups = [{
        name  = "gpuship.gpu-health"
        rules = local.gpu_alert_rules
      }]
    }
  }
}

# Applied through a local chart because the ServiceMonitor and PrometheusRule CRDs are installed by
# kube-prometheus-stack in the same apply, which kubernetes_manifest cannot plan against.
resource "helm_release" "gpu_monitoring" {
  name      = "gpuship-gpu-monitoring"
  chart     = "${path.module}/charts/manifests"
  namespace = kubernetes_namespace_v1.monitoring.metadata[0].name

  values = [yamlencode({
    manifests = [local.dcgm_service_monitor, local.gpu_prometheus_rule]
  })]

  depends_on = [helm_release.kube_prometheus_stack]
}
