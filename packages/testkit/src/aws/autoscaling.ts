import type { AwsSimulator } from './server.js'
import { AwsError } from './errors.js'
import { queryList, queryResponse, requireParam, type AwsResponse, type XmlValue } from './protocol.js'
import { ext, type AwsState } from './state.js'

export const AUTOSCALING_XMLNS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/'

export interface AsgGroup {
  AutoScalingGroupName: string
  MinSize: number
  MaxSize: number
  DesiredCapacity: number
  AvailabilityZones: string[]
  VPCZoneIdentifier: string
  Instances: { InstanceId: string; LifecycleState: string; HealthStatus: string; AvailabilityZone: string; ProtectedFromScaleIn: boolean }[]
  Tags: { Key: string; Value: string; ResourceId: string; ResourceType: string; PropagateAtLaunch: boolean }[]
}

export interface AsgActivity {
  ActivityId: string
  AutoScalingGroupName: string
  Description: string
  Cause: string
  StartTime: Date
  EndTime?: Date
  StatusCode: 'Successful' | 'Failed' | 'Cancelled' | 'InProgress' | 'PreInService' | 'WaitingForSpotInstanceId'
  StatusMessage?: string
  Progress: number
}

export interface AutoScalingWorld {
  groups: Map<string, AsgGroup>
  activities: AsgActivity[]
}

export function autoScalingWorld(state: AwsState): AutoScalingWorld {
  return ext(state, 'autoscaling', () => ({ groups: new Map(), activities: [] }))
}

export function handleAutoScaling(action: string, params: Record<string, string>, w: AutoScalingWorld): AwsResponse {
  switch (action) {
    case 'DescribeAutoScalingGroups': {
      const names = queryList(params, 'AutoScalingGroupNames')
      const groups = [...w.groups.values()].filter((g) => names.length === 0 || names.includes(g.AutoScalingGroupName))
      const shaped = groups.map((g) => ({
        ...g,
        AutoScalingGroupARN: `arn:aws:autoscaling:::autoScalingGroup:${g.AutoScalingGroupName}`,
        HealthCheckType: 'EC2',
        CreatedTime: new Date(0),
        DefaultCooldown: 300
      }))
      return queryResponse(action, { AutoScalingGroups: shaped } as unknown as XmlValue, AUTOSCALING_XMLNS)
    }
    case 'DescribeScalingActivities': {
      const name = requireParam(params, 'AutoScalingGroupName')
      if (!w.groups.has(name)) throw new AwsError('ValidationError', `AutoScalingGroup name not found - AutoScalingGroup ${name} not found`, 400)
      const max = Number(params.MaxRecords ?? 100)
      const acts = w.activities
        .filter((a) => a.AutoScalingGroupName === name)
        .sort((a, b) => b.StartTime.getTime() - a.StartTime.getTime())
        .slice(0, max)
      return queryResponse(action, { Activities: acts } as unknown as XmlValue, AUTOSCALING_XMLNS)
    }
    default:
      throw new AwsError('InvalidAction', `Could not find operation ${action} for version 2011-01-01`, 400)
  }
}

export function registerAutoScaling(sim: AwsSimulator): void {
  const w = autoScalingWorld(sim.state)
  sim.register('autoscaling', (req) => handleAutoScaling(req.action, req.params, w), { protocol: 'query' })
}
