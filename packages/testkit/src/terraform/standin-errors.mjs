// terraform's and the AWS/Kubernetes providers' error texts as printed with -no-color
// (terraform 1.11, hashicorp/aws 5.x, hashicorp/kubernetes 2.x). {ID} etc. are filled from the
// control file's lock. Request IDs are made up; the wording is the tools'.
export const ERRORS = {
  'lock-held': `
Error: Error acquiring the state lock

Error message: operation error S3: PutObject, https response error
StatusCode: 412, RequestID: 8ZQF7Y6B1X2C3D4E, HostID:
dGhpcyBpcyBhIHNpbXVsYXRlZCBob3N0IGlk, api error PreconditionFailed: At least
one of the pre-conditions you specified did not hold
Lock Info:
  ID:        {ID}
  Path:      {PATH}
  Operation: {OPERATION}
  Who:       {WHO}
  Version:   1.11.4
  Created:   {CREATED}
  Info:      {INFO}


Terraform acquires a state lock to protect the state from being written
by multiple users at the same time. Please resolve the issue above and try
again. For most commands, you can disable locking with the "-lock=false"
flag, but this is not recommended.
`,
  'already-exists': `
Error: creating EKS Node Group (gpu-prod:gpu): operation error EKS: CreateNodegroup, https response error StatusCode: 409, RequestID: 5b0c8f2e-1d3a-4e6b-9c7d-2f8a1b3c4d5e, ResourceInUseException: NodeGroup already exists with name gpu and cluster name gpu-prod

  with aws_eks_node_group.gpu,
  on main.tf line 41, in resource "aws_eks_node_group" "gpu":
  41: resource "aws_eks_node_group" "gpu" {

`,
  'iam-already-exists': `
Error: creating IAM Role (gpu-prod-gpu-node): operation error IAM: CreateRole, https response error StatusCode: 409, RequestID: 0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a, EntityAlreadyExists: Role with name gpu-prod-gpu-node already exists.

  with aws_iam_role.gpu_node,
  on iam.tf line 1, in resource "aws_iam_role" "gpu_node":
   1: resource "aws_iam_role" "gpu_node" {

`,
  'not-found': `
Error: updating EKS Node Group (gpu-prod:gpu) version: operation error EKS: UpdateNodegroupVersion, https response error StatusCode: 404, RequestID: 7c6b5a4d-3e2f-1a0b-9c8d-7e6f5a4b3c2d, ResourceNotFoundException: No node group found for name: gpu.

  with aws_eks_node_group.gpu,
  on main.tf line 41, in resource "aws_eks_node_group" "gpu":
  41: resource "aws_eks_node_group" "gpu" {

`,
  'cluster-gone': `
Error: reading EKS Cluster (gpu-prod): couldn't find resource

  with data.aws_eks_cluster.this,
  on k8s.tf line 10, in data "aws_eks_cluster" "this":
  10: data "aws_eks_cluster" "this" {


Error: Get "https://0A1B2C3D4E5F60718293A4B5C6D7E8F9.gr7.us-east-1.eks.amazonaws.com/api/v1/namespaces/inference": dial tcp: lookup 0A1B2C3D4E5F60718293A4B5C6D7E8F9.gr7.us-east-1.eks.amazonaws.com on 127.0.0.53:53: no such host

  with kubernetes_namespace.inference,
  on k8s.tf line 1, in resource "kubernetes_namespace" "inference":
   1: resource "kubernetes_namespace" "inference" {

`
}
