import type { AwsState } from './state.js'
import { ext } from './state.js'

/**
 * The simulated EC2 world. Objects are kept with EC2's XML element names (`subnetId`,
 * `tagSet`, `availableIpAddressCount`) so the handlers serialise them as they are; arrays
 * become `<name><item>…</item></name>` lists, the EC2 protocol's only list shape.
 */
export interface Ec2Tag {
  key: string
  value: string
}

export interface Ec2Vpc {
  vpcId: string
  cidrBlock: string
  enableDnsSupport: boolean
  enableDnsHostnames: boolean
}

export interface Ec2Subnet {
  subnetId: string
  vpcId: string
  cidrBlock: string
  availabilityZone: string
  availableIpAddressCount: number
  mapPublicIpOnLaunch?: boolean
  state?: string
  tagSet: Ec2Tag[]
}

export interface Ec2Route {
  destinationCidrBlock: string
  gatewayId?: string
  natGatewayId?: string
  transitGatewayId?: string
  networkInterfaceId?: string
  state?: 'active' | 'blackhole'
  origin?: string
}

export interface Ec2RouteTable {
  routeTableId: string
  vpcId: string
  associationSet: { routeTableAssociationId: string; routeTableId: string; subnetId?: string; main: boolean }[]
  routeSet: Ec2Route[]
  tagSet: Ec2Tag[]
}

export interface Ec2VpcEndpoint {
  vpcEndpointId: string
  vpcId: string
  serviceName: string
  vpcEndpointType: 'Interface' | 'Gateway'
  state: string
  subnetIdSet: string[]
  routeTableIdSet: string[]
  privateDnsEnabled: boolean
}

export interface Ec2Instance {
  instanceId: string
  imageId: string
  instanceState: { code: number; name: string }
  privateDnsName: string
  privateIpAddress: string
  instanceType: string
  launchTime: string
  subnetId: string
  vpcId: string
  groupSet: { groupId: string; groupName: string }[]
  tagSet: Ec2Tag[]
}

export interface Ec2Permission {
  ipProtocol: string
  fromPort?: number
  toPort?: number
  groups: { groupId: string; userId?: string }[]
  ipRanges: { cidrIp: string; description?: string }[]
}

export interface Ec2SecurityGroup {
  groupId: string
  groupName: string
  groupDescription: string
  vpcId: string
  ownerId: string
  ipPermissions: Ec2Permission[]
  ipPermissionsEgress: Ec2Permission[]
  tagSet: Ec2Tag[]
}

export interface Ec2NetworkInterface {
  networkInterfaceId: string
  subnetId: string
  vpcId: string
  status: string
  description: string
  privateIpAddress: string
  privateIpAddressesSet: { privateIpAddress: string; primary: boolean }[]
  tagSet: Ec2Tag[]
}

export interface Ec2World {
  vpcs: Map<string, Ec2Vpc>
  subnets: Ec2Subnet[]
  routeTables: Ec2RouteTable[]
  vpcEndpoints: Ec2VpcEndpoint[]
  instances: Ec2Instance[]
  securityGroups: Ec2SecurityGroup[]
  networkInterfaces: Ec2NetworkInterface[]
}

export function ec2World(state: AwsState): Ec2World {
  return ext(state, 'ec2', () => ({
    vpcs: new Map(),
    subnets: [],
    routeTables: [],
    vpcEndpoints: [],
    instances: [],
    securityGroups: [],
    networkInterfaces: []
  }))
}

export const tagList = (tags: Record<string, string>): Ec2Tag[] => Object.entries(tags).map(([key, value]) => ({ key, value }))
