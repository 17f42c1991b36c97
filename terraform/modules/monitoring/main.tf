locals {
  release   = "kube-prometheus-stack"
  gpu_taint = { key = "nvidia.com/gpu", operator = "Exists", effect = "NoSchedule" }

  counters_file = "gpuship-counters.csv"
  counters_dir  = "/etc/dcgm-exporter/gpuship"
}

resource "kubernetes_namespace_v1" "monitoring" {
  metadata {
    name   = var.namespace
    labels = { "app.kubernetes.io/managed-by" = "terraform" }
  }
}

resource "random_password" "grafana_admin" {
  count = var.grafana_admin_password == null ? 1 : 0

  length  = 32
  special = false
}

resource "helm_release" "kube_prometheus_stack" {
  name       = local.release
  repository = "https://prometheus-community.github.io/helm-charts"
  chart      = "kube-prometheus-stack"
  version    = var.kube_prometheus_stack_version
  namespace  = kubernetes_namespace_v1.monitoring.metadata[0].name
  timeout    = 900

  values = [yamlencode({
    # Fixed names, so the in-cluster URLs in the outputs do not depend on the release name.
    fullnameOverride = local.release

    prometheusOperator = { nodeSelector = var.system_node_selector }

    prometheus = {
      prometheusSpec = merge({
        retention    = var.prometheus_retention
        nodeSelector = var.system_node_selector
        # Select every ServiceMonitor and PrometheusRule, not only this release's.
        serviceMonitorSelectorNilUsesHelmValues = false
        podMonitorSelectorNilUsesHelmValues     = false
        ruleSelectorNilUsesHelmValues           = false
        }, var.prometheus_storage == null ? {} : {
        storageSpec = {
          volumeClaimTemplate = {
            spec = {
              storageClassName = var.prometheus_storage.storage_class_name
              accessModes      = ["ReadWriteOnce"]
              resources        = { requests = { storage = var.prometheus_storage.size } }
            }
          }
        }
      })
    }

    alertmanager = {
      enabled          = var.enable_alertmanager
      alertmanagerSpec = { nodeSelector = var.system_node_selector }
    }

    grafana = {
      nodeSelector = var.system_node_selector
      sidecar = {
        dashboards = {
          enabled         = true
          label           = "grafana_dashboard"
          labelValue      = "1"
          searchNamespace = "ALL"
        }
      }
    }

    # Node labels the GPU alerts join on (kube_node_labels{label_nvidia_com_gpu_present="true"}).
    kube-state-metrics = {
      nodeSelector          = var.system_node_selector
      metricLabelsAllowlist = ["nodes=[nvidia.com/gpu.present,node.kubernetes.io/instance-type,karpenter.sh/capacity-type]"]
    }

    # node-exporter must also run on tainted GPU nodes.
    prometheus-node-exporter = {
      tolerations = [{ operator = "Exists" }]
    }
  })]

  set_sensitive {
    name  = "grafana.adminPassword"
    value = coalesce(var.grafana_admin_password, try(random_password.grafana_admin[0].result, null))
  }
}

resource "kubernetes_config_map_v1" "dcgm_counters" {
  metadata {
    name      = "dcgm-exporter-counters"
    namespace = kubernetes_namespace_v1.monitoring.metadata[0].name
  }

  data = {
    (local.counters_file) = file("${path.module}/dcgm-counters.csv")
  }
}

resource "helm_release" "dcgm_exporter" {
  name       = "dcgm-exporter"
  repository = "https://nvidia.github.io/dcgm-exporter/helm-charts"
  chart      = "dcgm-exporter"
  version    = var.dcgm_exporter_version
  namespace  = kubernetes_namespace_v1.monitoring.metadata[0].name

  values = [yamlencode({
    # The ServiceMonitor is ours (below), with node relabelling the GPU alerts rely on.
    serviceMonitor = { enabled = false }
    nodeSelector   = var.gpu_node_selector
    tolerations    = [local.gpu_taint]
    arguments      = ["-f", "${local.counters_dir}/${local.counters_file}"]
    extraConfigMapVolumes = [{
      name      = "gpuship-counters"
      configMap = { name = kubernetes_config_map_v1.dcgm_counters.metadata[0].name }
    }]
    extraVolumeMounts = [{
      name      = "gpuship-counters"
      mountPath = local.counters_dir
      readOnly  = true
    }]
  })]

  depends_on = [helm_release.kube_prometheus_stack]
}
