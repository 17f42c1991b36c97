mock_provider "helm" {}
mock_provider "kubernetes" {}
mock_provider "random" {}

run "gpu_alerts_cover_every_failure_mode" {
  command = plan

  assert {
    condition = alltrue([for a in ["GpuXidError", "GpuDoubleBitEccError", "GpuRowRemapFailure", "GpuTemperatureHigh", "GpusMissing"] :
    contains([for r in local.gpu_alert_rules : r.alert], a)])
    error_message = "XID, double-bit ECC, row-remap, temperature and missing-GPU alerts must all be present."
  }

  assert {
    condition     = alltrue([for r in local.gpu_alert_rules : contains(["critical", "warning"], r.labels.severity)])
    error_message = "Every alert needs a severity."
  }

  assert {
    condition     = strcontains(local.gpu_alert_rules[3].expr, "> 85")
    error_message = "The default temperature threshold must be 85 C."
  }
}

run "service_monitor_targets_dcgm" {
  command = plan

  assert {
    condition     = local.dcgm_service_monitor.kind == "ServiceMonitor" && local.dcgm_service_monitor.spec.selector.matchLabels["app.kubernetes.io/name"] == "dcgm-exporter"
    error_message = "The ServiceMonitor must select the DCGM exporter service."
  }

  assert {
    condition     = local.dcgm_service_monitor.spec.endpoints[0].relabelings[0].targetLabel == "node"
    error_message = "DCGM series must carry the node label the alerts join on."
  }
}

run "dashboard_is_provisioned" {
  command = plan

  assert {
    condition     = kubernetes_config_map_v1.gpu_dashboard.metadata[0].labels["grafana_dashboard"] == "1"
    error_message = "The dashboard ConfigMap must carry the Grafana sidecar label."
  }

  assert {
    condition     = jsondecode(kubernetes_config_map_v1.gpu_dashboard.data["gpuship-gpu.json"]).uid == "gpuship-gpu"
    error_message = "The dashboard must be valid JSON with a stable uid."
  }
}

run "custom_threshold" {
  command = plan

  variables {
    gpu_temperature_warning_celsius = 80
  }

  assert {
    condition     = strcontains(local.gpu_alert_rules[3].expr, "> 80")
    error_message = "The temperature threshold must follow the variable."
  }
}

run "rejects_bad_retention" {
  command = plan

  variables {
    prometheus_retention = "15 days"
  }

  expect_failures = [var.prometheus_retention]
}

run "rejects_short_grafana_password" {
  command = plan

  variables {
    grafana_admin_password = "admin"
  }

  expect_failures = [var.grafana_admin_password]
}
