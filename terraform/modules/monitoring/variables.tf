variable "namespace" {
  description = "Namespace for Prometheus, Grafana, Alertmanager and the DCGM exporter."
  type        = string
  default     = "monitoring"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.namespace))
    error_message = "namespace must be a Kubernetes namespace name (lowercase DNS label)."
  }
}

variable "kube_prometheus_stack_version" {
  description = "Version of the prometheus-community kube-prometheus-stack chart."
  type        = string
  default     = "66.2.1"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.kube_prometheus_stack_version))
    error_message = "kube_prometheus_stack_version must be a chart version such as \"66.2.1\"."
  }
}

variable "dcgm_exporter_version" {
  description = "Version of NVIDIA's dcgm-exporter chart."
  type        = string
  default     = "3.6.1"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.dcgm_exporter_version))
    error_message = "dcgm_exporter_version must be a chart version such as \"3.6.1\"."
  }
}

variable "prometheus_retention" {
  description = "How long Prometheus keeps samples (Prometheus duration, for example \"15d\")."
  type        = string
  default     = "15d"

  validation {
    condition     = can(regex("^[0-9]+(h|d|w|y)$", var.prometheus_retention))
    error_message = "prometheus_retention must be a duration such as \"12h\", \"15d\" or \"4w\"."
  }
}

variable "prometheus_storage" {
  description = "Persistent volume for Prometheus (needs a CSI driver such as aws-ebs-csi-driver). Null keeps data on an emptyDir, lost when the pod moves."
  type = object({
    storage_class_name = string
    size               = string
  })
  default = null

  validation {
    condition     = var.prometheus_storage == null || can(regex("^[0-9]+(Gi|Ti)$", var.prometheus_storage.size))
    error_message = "prometheus_storage.size must be a quantity such as \"50Gi\"."
  }
}

variable "enable_alertmanager" {
  description = "Run Alertmanager to route the GPU alerts."
  type        = bool
  default     = true
}

variable "grafana_admin_password" {
  description = "Grafana admin password. Null generates a random one, stored in the Grafana secret (never the chart default)."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.grafana_admin_password == null || length(coalesce(var.grafana_admin_password, "x")) >= 16
    error_message = "grafana_admin_password must be at least 16 characters, or null to generate one."
  }
}

variable "system_node_selector" {
  description = "nodeSelector for Prometheus, Grafana and the operator, so they stay off the GPU nodes (for example {\"gpuship.io/node-role\" = \"system\"})."
  type        = map(string)
  default     = {}
}

variable "gpu_node_selector" {
  description = "nodeSelector that places the DCGM exporter on GPU nodes."
  type        = map(string)
  default     = { "nvidia.com/gpu.present" = "true" }

  validation {
    condition     = length(var.gpu_node_selector) > 0
    error_message = "gpu_node_selector must select the GPU nodes; an empty selector would run the exporter on CPU nodes where it crash-loops."
  }
}

variable "gpu_temperature_warning_celsius" {
  description = "GPU temperature above which GpuTemperatureHigh fires."
  type        = number
  default     = 85

  validation {
    condition     = var.gpu_temperature_warning_celsius >= 50 && var.gpu_temperature_warning_celsius <= 110
    error_message = "gpu_temperature_warning_celsius must be between 50 and 110."
  }
}

variable "alert_labels" {
  description = "Extra labels on every GPU alert (for Alertmanager routing, for example {team = \"ml-platform\"})."
  type        = map(string)
  default     = {}
}

variable "scrape_interval" {
  description = "Scrape interval of the DCGM exporter (Prometheus duration). XID errors are gauges, so a long interval can miss one."
  type        = string
  default     = "15s"

  validation {
    condition     = can(regex("^[0-9]+(s|m)$", var.scrape_interval))
    error_message = "scrape_interval must be a duration such as \"15s\" or \"1m\"."
  }
}
