// GitHub's published REST contract (npm @octokit/openapi), used by the test server to check every request it
// receives and every response it sends, so a wrong shape on either side fails the test.
//
//   const op = findOperation('GET', '/repos/o/r/actions/runs')   // { template, params, ... } or null
//   checkRequest(op, { params, query, body })                     // string[] of problems
//   checkResponse(op, status, body, headers)                      // string[] of problems
//   openApiExample('workflow-run')                                // a deep copy of components.examples[name].value
//   checkSchema(value, { $ref: '#/components/schemas/x' }, where)  // validate any value against a component schema
//
// The 13 MB description is read once per process; schemas are compiled lazily, one per operation and status, with
// only the components they reference copied in (compiling the whole description would take seconds).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Ajv, type ValidateFunction } from 'ajv'

type Json = Record<string, unknown>

interface Parameter {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required?: boolean
  schema?: Json
}

interface OperationObject {
  parameters?: (Parameter | { $ref: string })[]
  requestBody?: { content?: Record<string, { schema?: Json }>; required?: boolean } | { $ref: string }
  responses: Record<string, Json>
}

export interface Operation {
  method: string
  /** The OpenAPI path template, e.g. `/repos/{owner}/{repo}/actions/runs`. */
  template: string
  /** Path parameters taken from the request path, decoded. */
  params: Record<string, string>
  spec: OperationObject
}

let description: Json & { paths: Record<string, Record<string, OperationObject>>; components: Json }
let matchers: { method: string; template: string; regex: RegExp; names: string[] }[]

function load(): typeof description {
  if (!description) {
    const require = createRequire(import.meta.url)
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json')
    description = JSON.parse(readFileSync(file, 'utf8'))
    matchers = []
    for (const [template, item] of Object.entries(description.paths)) {
      const names: string[] = []
      const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
        names.push(name)
        return '([^/]+)'
      })
      for (const method of Object.keys(item)) {
        if (method === 'parameters') continue
        matchers.push({ method: method.toUpperCase(), template, regex: new RegExp(`^${pattern}$`), names })
      }
    }
    // Literal segments beat parameters: `/actions/runs/{run_id}` must not win over `/actions/runs/{run_id}/artifacts`,
    // and `/pulls/comments` must beat `/pulls/{pull_number}`.
    matchers.sort((a, b) => literalLength(b.template) - literalLength(a.template))
  }
  return description
}

function literalLength(template: string): number {
  return template.replace(/\{[^}]+\}/g, '').length
}

/** The operation GitHub's description defines for this method and concrete path, or null. */
export function findOperation(method: string, path: string): Operation | null {
  const doc = load()
  for (const m of matchers) {
    if (m.method !== method.toUpperCase()) continue
    const found = m.regex.exec(path)
    if (!found) continue
    const params: Record<string, string> = {}
    m.names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1] ?? '')))
    return { method: m.method, template: m.template, params, spec: doc.paths[m.template]![m.method.toLowerCase()]! }
  }
  return null
}

/** The operation for an exact template (used when registering routes), or null when GitHub defines none. */
export function operationForTemplate(method: string, template: string): OperationObject | null {
  return load().paths[template]?.[method.toLowerCase()] ?? null
}

function resolve<T>(value: T | { $ref: string }): T {
  const ref = (value as { $ref?: string }).$ref
  if (!ref) return value as T
  let node: unknown = load()
  for (const part of ref.replace(/^#\//, '').split('/')) node = (node as Json)[part]
  return resolve(node as T)
}

const ajv = new Ajv({ allErrors: true, strict: false, logger: false })
// GitHub's timestamps are RFC 3339; the other formats in the description are informative only.
ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/)
const compiled = new Map<string, ValidateFunction>()

/**
 * Copies a schema with every component it references (transitively) so ajv can compile it on its own, rewriting
 * OpenAPI 3.0's `nullable: true` as JSON Schema's "or null" (ajv only accepts `nullable` beside a `type`).
 */
function standalone(schema: Json): Json {
  const doc = load()
  const schemas: Record<string, unknown> = {}
  const convert = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(convert)
    if (typeof node !== 'object' || node === null) return node
    const out: Json = {}
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const name = value.replace('#/components/schemas/', '')
        if (!(name in schemas)) {
          schemas[name] = {}
          schemas[name] = convert((doc.components.schemas as Json)[name])
        }
      }
      if (key !== 'nullable')
        out[key] = key === 'properties' || key === 'example' || key === 'examples' ? value : convert(value)
    }
    if (out.properties)
      out.properties = Object.fromEntries(Object.entries(out.properties as Json).map(([k, v]) => [k, convert(v)]))
    return (node as Json).nullable === true ? { anyOf: [out, { type: 'null' }] } : out
  }
  return { ...(convert(schema) as Json), components: { schemas } }
}

function validator(key: string, schema: Json): ValidateFunction {
  let validate = compiled.get(key)
  if (!validate) {
    validate = ajv.compile(standalone(schema))
    compiled.set(key, validate)
  }
  return validate
}

function problems(validate: ValidateFunction, where: string): string[] {
  return (validate.errors ?? []).slice(0, 5).map((e) => `${where}${e.instancePath} ${e.message ?? 'is invalid'}`)
}

/** Validates any value against a schema from (or referring into) the description; returns problems. */
export function checkSchema(value: unknown, schema: Json, where: string): string[] {
  const validate = validator(JSON.stringify(schema), schema)
  return validate(value) ? [] : problems(validate, where)
}

/** Checks path and query parameters and the JSON body of a request against the operation. */
export function checkRequest(op: Operation, request: { query: URLSearchParams; body: unknown }): string[] {
  const found: string[] = []
  const where = `${op.method} ${op.template}`
  for (const parameter of (op.spec.parameters ?? []).map((p) => resolve(p))) {
    const raw = parameter.in === 'path' ? op.params[parameter.name] : request.query.get(parameter.name)
    if (raw === null || raw === undefined) {
      if (parameter.required) found.push(`${where}: missing required ${parameter.in} parameter ${parameter.name}`)
      continue
    }
    const schema = parameter.schema ?? {}
    const value =
      schema.type === 'integer' || schema.type === 'number'
        ? Number(raw)
        : schema.type === 'boolean'
          ? raw === 'true'
            ? true
            : raw === 'false'
              ? false
              : raw
          : raw
    const key = `param ${where} ${parameter.in} ${parameter.name}`
    const validate = validator(key, schema)
    if (!validate(value))
      found.push(...problems(validate, `${where} ${parameter.in} parameter ${parameter.name}=${raw}:`))
  }
  if (op.spec.requestBody) {
    const body = resolve(op.spec.requestBody)
    const schema = body.content?.['application/json']?.schema
    if (request.body === undefined) {
      if (body.required) found.push(`${where}: missing required JSON body`)
    } else if (schema) {
      const validate = validator(`request ${where}`, schema)
      if (!validate(request.body)) found.push(...problems(validate, `${where} request body`))
    }
  }
  return found
}

/** Checks a response's status, JSON body and required headers against the operation. */
export function checkResponse(op: Operation, status: number, body: unknown, headers: Record<string, string>): string[] {
  const where = `${op.method} ${op.template} -> ${status}`
  const declared = op.spec.responses[String(status)]
  if (!declared) {
    // GitHub documents only typical statuses; auth failures and server errors can come from any endpoint.
    return [401, 403, 404, 422, 500, 502, 503].includes(status) ? [] : [`${where}: status not in the description`]
  }
  const response = resolve(declared) as { content?: Record<string, { schema?: Json }>; headers?: Record<string, Json> }
  const found: string[] = []
  for (const name of Object.keys(response.headers ?? {})) {
    // Location is what a 302 is for; Link is only present when there is more than one page.
    if (name.toLowerCase() === 'location' && !headers.location) found.push(`${where}: missing Location header`)
  }
  const schema = response.content?.['application/json']?.schema
  if (schema) {
    const validate = validator(`response ${where}`, schema)
    if (!validate(body)) found.push(...problems(validate, `${where} body`))
  } else if (body !== undefined && body !== '') {
    found.push(`${where}: the description defines no body for this status`)
  }
  return found
}

/** A deep copy of one of the description's examples (`components.examples[name].value`). */
export function openApiExample<T = Json>(name: string): T {
  const example = (load().components.examples as Record<string, { value: unknown }>)[name]
  if (!example) throw new Error(`no OpenAPI example named ${name}`)
  return structuredClone(example.value) as T
}
