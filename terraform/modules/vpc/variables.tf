variable "name" {
  description = "Name of the VPC and prefix of its subnets, NAT gateways and endpoint security group."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,62}$", var.name))
    error_message = "name must start with a letter and use letters, digits or '-' (at most 63 characters)."
  }
}

variable "cluster_name" {
  description = "EKS cluster that uses this VPC; tags the subnets so load balancers and Karpenter can discover them."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,99}$", var.cluster_name))
    error_message = "cluster_name must start with a letter and use letters, digits or '-' (at most 100 characters)."
  }
}

variable "cidr" {
  description = "IPv4 CIDR of the VPC. A /16 leaves room for pod IPs from the VPC CNI on GPU nodes."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr, 0)) && contains(["16", "17", "18", "19", "20"], try(split("/", var.cidr)[1], ""))
    error_message = "cidr must be a valid IPv4 CIDR between /16 and /20, for example \"10.0.0.0/16\"."
  }
}

variable "azs" {
  description = "Availability zones to use. Empty picks the first az_count zones of the region that are available."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.azs) == 0 || length(var.azs) >= 2
    error_message = "azs must be empty (automatic) or list at least two zones; EKS needs subnets in two zones."
  }
}

variable "az_count" {
  description = "Number of availability zones when azs is empty. Each zone gets one public and one private subnet."
  type        = number
  default     = 3

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 6 && floor(var.az_count) == var.az_count
    error_message = "az_count must be a whole number between 2 and 6."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway shared by all zones (cheaper) instead of one per zone (survives a zone outage)."
  type        = bool
  default     = true
}

variable "enable_vpc_endpoints" {
  description = "Create VPC endpoints so private nodes pull images and call AWS APIs without crossing the NAT gateway."
  type        = bool
  default     = false
}

variable "vpc_endpoint_services" {
  description = "Services to create endpoints for when enable_vpc_endpoints is true. s3 is a gateway endpoint; the rest are interface endpoints."
  type        = list(string)
  default     = ["ecr.api", "ecr.dkr", "s3", "sts", "ec2"]

  validation {
    condition     = alltrue([for s in var.vpc_endpoint_services : contains(["ecr.api", "ecr.dkr", "s3", "sts", "ec2", "logs", "ssm", "ssmmessages", "ec2messages", "elasticloadbalancing", "autoscaling", "sqs", "eks", "eks-auth"], s)])
    error_message = "vpc_endpoint_services may contain only: ecr.api, ecr.dkr, s3, sts, ec2, logs, ssm, ssmmessages, ec2messages, elasticloadbalancing, autoscaling, sqs, eks, eks-auth."
  }
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
