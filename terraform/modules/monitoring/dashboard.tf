# Grafana's dashboard sidecar loads every ConfigMap labelled grafana_dashboard=1.
resource "kubernetes_config_map_v1" "gpu_dashboard" {
  metadata {
    name      = "gpuship-gpu-dashboard"
    namespace = kubernetes_namespace_v1.monitoring.metadata[0].name
    labels    = { grafana_dashboard = "1" }
  }

  data = {
    "gpuship-gpu.json" = file("${path.module}/dashboards/gpu.json")
  }
}
