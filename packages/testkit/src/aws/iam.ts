import type { AwsSimulator } from './server.js'
import { AwsError } from './errors.js'
import { queryResponse, requireParam, type AwsResponse } from './protocol.js'
import { ext, type AwsState } from './state.js'

export const IAM_XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/'

/** Managed policy ARNs attached to each role (role ARN -> policy ARNs), beside state.roles. */
export function attachedPolicies(state: AwsState): Map<string, string[]> {
  return ext(state, 'iam-attached', () => new Map<string, string[]>())
}

/** Tags of roles and OIDC providers, by ARN (teardown's orphan scan reads them). */
export function iamTags(state: AwsState): Map<string, Record<string, string>> {
  return ext(state, 'iam-tags', () => new Map<string, Record<string, string>>())
}

const tagList = (t: Record<string, string> | undefined) => Object.entries(t ?? {}).map(([Key, Value]) => ({ Key, Value }))

/** The IAM reads the doctor makes, as a pure function of the request and the shared state. */
export function handleIam(action: string, params: Record<string, string>, state: AwsState, account: string): AwsResponse {
  const roleByName = (name: string) => {
    const role = [...state.roles.values()].find((r) => r.name === name && r.account === account)
    if (!role) throw new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404)
    return role
  }
  switch (action) {
    case 'GetRole': {
      const r = roleByName(requireParam(params, 'RoleName'))
      return queryResponse(
        action,
        {
          Role: {
            Path: r.path,
            RoleName: r.name,
            RoleId: r.roleId,
            Arn: r.arn,
            CreateDate: r.createDate,
            // IAM returns the trust policy URL-encoded (RFC 3986), as the SDK hands it back.
            AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(r.trustPolicy)),
            MaxSessionDuration: r.maxSessionDuration
          }
        },
        IAM_XMLNS
      )
    }
    case 'ListAttachedRolePolicies': {
      const r = roleByName(requireParam(params, 'RoleName'))
      const arns = attachedPolicies(state).get(r.arn) ?? []
      return queryResponse(action, { AttachedPolicies: arns.map((a) => ({ PolicyName: a.split('/').pop(), PolicyArn: a })), IsTruncated: false }, IAM_XMLNS)
    }
    case 'ListRoles': {
      const roles = [...state.roles.values()].filter((r) => r.account === account)
      return queryResponse(action, { Roles: roles.map((r) => ({ Path: r.path, RoleName: r.name, RoleId: r.roleId, Arn: r.arn, CreateDate: r.createDate, MaxSessionDuration: r.maxSessionDuration })), IsTruncated: false }, IAM_XMLNS)
    }
    case 'ListRoleTags': {
      const r = roleByName(requireParam(params, 'RoleName'))
      return queryResponse(action, { Tags: tagList(iamTags(state).get(r.arn)), IsTruncated: false }, IAM_XMLNS)
    }
    case 'ListOpenIDConnectProviderTags': {
      const arn = requireParam(params, 'OpenIDConnectProviderArn')
      if (!state.oidcProviders.get(arn)) throw new AwsError('NoSuchEntity', `OpenIDConnect Provider not found for arn ${arn}`, 404)
      return queryResponse(action, { Tags: tagList(iamTags(state).get(arn)), IsTruncated: false }, IAM_XMLNS)
    }
    case 'ListOpenIDConnectProviders': {
      const list = [...state.oidcProviders.values()].filter((p) => p.arn.split(':')[4] === account)
      return queryResponse(action, { OpenIDConnectProviderList: list.map((p) => ({ Arn: p.arn })) }, IAM_XMLNS)
    }
    case 'GetOpenIDConnectProvider': {
      const arn = requireParam(params, 'OpenIDConnectProviderArn')
      const p = state.oidcProviders.get(arn)
      if (!p) throw new AwsError('NoSuchEntity', `OpenIDConnect Provider not found for arn ${arn}`, 404)
      return queryResponse(
        action,
        { Url: p.host, ClientIDList: p.clientIds, ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'], CreateDate: new Date(0) },
        IAM_XMLNS
      )
    }
    default:
      throw new AwsError('InvalidAction', `Could not find operation ${action} for version 2010-05-08`, 400)
  }
}

export function registerIam(sim: AwsSimulator): void {
  sim.register('iam', (req) => handleIam(req.action, req.params, sim.state, req.caller?.account ?? ''), { protocol: 'query' })
}
