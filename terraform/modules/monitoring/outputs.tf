output "namespace" {
  description = "Namespace of the monitoring stack."
  value       = kubernetes_namespace_v1.monitoring.metadata[0].name
}

output "prometheus_url" {
  description = "In-cluster URL of Prometheus (for the DCGM health gate and autoscaling adapters)."
  value       = "http://${local.release}-prometheus.${var.namespace}.svc:9090"
}

output "alertmanager_url" {
  description = "In-cluster URL of Alertmanager (null when disabled)."
  value       = var.enable_alertmanager ? "http://${local.release}-alertmanager.${var.namespace}.svc:9093" : null
}

output "grafana_service" {
  description = "Grafana service as <namespace>/<name>; reach it with kubectl port-forward svc/<name> 3000:80."
  value       = "${var.namespace}/${local.release}-grafana"
}

output "grafana_admin_secret_name" {
  description = "Secret holding Grafana's admin-user and admin-password."
  value       = "${local.release}-grafana"
}

output "gpu_alert_names" {
  description = "Names of the GPU health alerts this module installs."
  value       = [for r in local.gpu_alert_rules : r.alert]
}

output "dcgm_exporter_release" {
  description = "Name and chart version of the DCGM exporter release."
  value       = { name = helm_release.dcgm_exporter.name, version = try(helm_release.dcgm_exporter.version, var.dcgm_exporter_version) }
}
