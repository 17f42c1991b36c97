output "vpc_id" {
  description = "ID of the VPC."
  value       = module.vpc.vpc_id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR of the VPC."
  value       = module.vpc.vpc_cidr_block
}

output "azs" {
  description = "Availability zones the subnets are spread over."
  value       = local.azs
}

output "private_subnets" {
  description = "IDs of the private subnets (nodes and internal load balancers), one per zone."
  value       = module.vpc.private_subnets
}

output "public_subnets" {
  description = "IDs of the public subnets (internet-facing load balancers and NAT), one per zone."
  value       = module.vpc.public_subnets
}

output "private_route_table_ids" {
  description = "IDs of the private route tables."
  value       = module.vpc.private_route_table_ids
}

output "nat_public_ips" {
  description = "Elastic IPs of the NAT gateways; allow-list these where egress from the nodes must be recognised."
  value       = module.vpc.nat_public_ips
}

output "vpc_endpoint_ids" {
  description = "IDs of the VPC endpoints by service key (empty when enable_vpc_endpoints is false)."
  value       = try({ for k, e in module.vpc_endpoints[0].endpoints : k => e.id }, {})
}
