// Issue-comment endpoints for the local GitHub (./github-server.ts), with who-is-who as GitHub has it: a personal
// token is a user (GET /user answers), the workflow's GITHUB_TOKEN is the github-actions[bot] app (GET /user is
// 403 "Resource not accessible by integration"; GraphQL's viewer names the bot), and a fork pull request's token
// can read comments but not write them.
//
//   const comments = installComments(gh)                   // the server's token acts as github-actions[bot]
//   comments.addUser('ghp_alice', 'alice')                 // a personal token
//   comments.readOnly.add(gh.token)                        // writes answer 403, as for a fork PR
//   comments.add(7, { login: 'mallory', body: '...' })     // a comment someone else wrote
//   comments.on(7)                                         // the comments of #7, oldest first
//   comments.addPull({ number: 9, headSha, fork: 'contributor/octo-repo' })  // an open pull request
//                                                          // (GET /pulls, /pulls/{n}, /commits/{sha}/pulls)
//   comments.graphql = false                               // no GraphQL endpoint (e.g. some GHES setups)
//
// Responses are built from GitHub's own OpenAPI examples, so the server's contract checks apply to them.
import { openApiExample } from './openapi.js'
import { paginate, type GitHubServer, type Request } from './github-server.js'

type Json = Record<string, unknown>

export const ACTIONS_BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' }

interface Identity {
  login: string
  id: number
  type: 'User' | 'Bot'
}

export interface PullSpec {
  number: number
  headSha: string
  headRef?: string
  baseRef?: string
  baseSha?: string
  /** owner/name of the fork the pull request comes from; this repository by default. */
  fork?: string
  state?: 'open' | 'closed'
  /**
   * Whether GET /commits/{sha}/pulls lists it. GitHub often does not for a fork's head commit (it is not in the
   * base repository's branches), which is why the workflow_run mode has fallbacks.
   */
  associated?: boolean
}

export interface Comments {
  /** Token -> identity; tokens not listed are refused with 401. */
  identities: Map<string, Identity>
  /** Tokens whose writes answer 403. */
  readOnly: Set<string>
  pulls: PullSpec[]
  addPull(pull: PullSpec): void
  /** Whether POST /graphql answers (the viewer query). */
  graphql: boolean
  addUser(token: string, login: string): void
  add(issue: number, comment: { login: string; body: string; type?: 'User' | 'Bot' }): Json
  on(issue: number): Json[]
}

const forbidden = {
  status: 403,
  body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' },
}
const notFound = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } }

export function installComments(gh: GitHubServer): Comments {
  let nextId = 500_000
  let clock = Date.UTC(2026, 10, 20, 12, 0, 0)
  const fullName = `${gh.state.repo.owner}/${gh.state.repo.name}`

  const user = (identity: Identity): Json => {
    const example = openApiExample<Json>('simple-user')
    return { ...example, login: identity.login, id: identity.id, type: identity.type, node_id: `U_${identity.id}` }
  }

  const comment = (issue: number, identity: Identity, body: string): Json => {
    const id = ++nextId
    const at = new Date((clock += 60_000)).toISOString().replace('.000', '')
    return {
      ...openApiExample<Json>('issue-comment'),
      id,
      node_id: `IC_${id}`,
      url: gh.api(`/repos/${fullName}/issues/comments/${id}`),
      html_url: `https://github.com/${fullName}/pull/${issue}#issuecomment-${id}`,
      issue_url: gh.api(`/repos/${fullName}/issues/${issue}`),
      body,
      user: user(identity),
      created_at: at,
      updated_at: at,
      author_association: identity.type === 'Bot' ? 'NONE' : 'MEMBER',
    }
  }

  const api: Comments = {
    identities: new Map([[gh.token, ACTIONS_BOT as Identity]]),
    readOnly: new Set(),
    pulls: [],
    addPull(pull) {
      api.pulls.push(pull)
    },
    graphql: true,
    addUser(token, login) {
      api.identities.set(token, { login, id: 1000 + api.identities.size, type: 'User' })
    },
    add(issue, { login, body, type = 'User' }) {
      const made = comment(issue, { login, id: 2000 + login.length, type }, body)
      ;(gh.state.comments[issue] ??= []).push(made)
      return made
    },
    on: (issue) => gh.state.comments[issue] ?? [],
  }

  const caller = (req: Request): Identity | null => {
    const header = req.headers.authorization
    const token = typeof header === 'string' ? header.replace(/^(token|bearer)\s+/i, '') : ''
    return api.identities.get(token) ?? null
  }
  const token = (req: Request): string => String(req.headers.authorization ?? '').replace(/^(token|bearer)\s+/i, '')
  const unauthorized = {
    status: 401,
    body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' },
  }
  const find = (id: number): { issue: number; index: number } | null => {
    for (const [issue, list] of Object.entries(gh.state.comments)) {
      const index = list.findIndex((c) => c.id === id)
      if (index >= 0) return { issue: Number(issue), index }
    }
    return null
  }

  gh.route('GET', '/user', (req) => {
    const who = caller(req)
    if (!who) return unauthorized
    if (who.type === 'Bot') return forbidden
    return {
      status: 200,
      body: { ...openApiExample<Json>('private-user'), login: who.login, id: who.id, type: who.type },
    }
  })

  gh.route('POST', '/graphql', (req) => {
    const who = caller(req)
    if (!who) return unauthorized
    if (!api.graphql) return notFound
    const query = (req.body as { query?: string } | undefined)?.query ?? ''
    if (!/\bviewer\s*\{\s*login\s*\}/.test(query))
      return { status: 200, body: { errors: [{ message: `unsupported query: ${query}` }] } }
    return { status: 200, body: { data: { viewer: { login: who.login } } } }
  })

  gh.route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments', (req) => {
    if (!caller(req)) return unauthorized
    const { page, headers } = paginate(req, api.on(Number(req.params.issue_number)), gh.api)
    return { status: 200, body: page, headers }
  })

  gh.route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', (req) => {
    const who = caller(req)
    if (!who) return unauthorized
    if (api.readOnly.has(token(req))) return forbidden
    const issue = Number(req.params.issue_number)
    const made = comment(issue, who, String((req.body as { body?: unknown }).body))
    ;(gh.state.comments[issue] ??= []).push(made)
    return { status: 201, body: made, headers: { location: String(made.url) } }
  })

  gh.route('PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}', (req) => {
    const who = caller(req)
    if (!who) return unauthorized
    if (api.readOnly.has(token(req))) return forbidden
    const where = find(Number(req.params.comment_id))
    if (!where) return notFound
    const existing = gh.state.comments[where.issue]![where.index]!
    // GitHub lets only the author (or a maintainer, which an app token is not) edit a comment.
    if ((existing.user as Json).login !== who.login) return forbidden
    const updated = {
      ...existing,
      body: String((req.body as { body?: unknown }).body),
      updated_at: new Date((clock += 60_000)).toISOString().replace('.000', ''),
    }
    gh.state.comments[where.issue]![where.index] = updated
    return { status: 200, body: updated }
  })

  gh.route('DELETE', '/repos/{owner}/{repo}/issues/comments/{comment_id}', (req) => {
    const who = caller(req)
    if (!who) return unauthorized
    if (api.readOnly.has(token(req))) return forbidden
    const where = find(Number(req.params.comment_id))
    if (!where) return notFound
    if ((gh.state.comments[where.issue]![where.index]!.user as Json).login !== who.login) return forbidden
    gh.state.comments[where.issue]!.splice(where.index, 1)
    return { status: 204 }
  })

  /** A pull request as the API shows it (full `pull-request`, or `pull-request-simple` in lists). */
  const pullObject = (spec: PullSpec, simple: boolean): Json => {
    const template = simple
      ? openApiExample<Json[]>('pull-request-simple-items')[0]!
      : openApiExample<Json>('pull-request')
    // The description's own repository object of this shape, renamed (lists and single pulls differ in schema).
    const renamed = (repo: Json, owner: string, name: string, id: number): Json => {
      const out = JSON.parse(
        JSON.stringify(repo)
          .replaceAll('https://api.github.com/repos/octocat/Hello-World', gh.api(`/repos/${owner}/${name}`))
          .replaceAll('octocat/Hello-World', `${owner}/${name}`),
      ) as Json
      return { ...out, id, name, full_name: `${owner}/${name}`, owner: { ...(out.owner as Json), login: owner } }
    }
    const templateRepo = (template.base as Json).repo as Json
    const base = renamed(templateRepo, gh.state.repo.owner, gh.state.repo.name, gh.state.repo.id)
    const [forkOwner, forkName] = spec.fork?.split('/') ?? []
    const headRepo = spec.fork ? renamed(templateRepo, forkOwner!, forkName!, gh.state.repo.id + 1) : base
    const headOwner = String((headRepo.owner as Json).login)
    const baseRef = spec.baseRef ?? gh.state.repo.defaultBranch
    return {
      ...template,
      number: spec.number,
      state: spec.state ?? 'open',
      url: gh.api(`/repos/${fullName}/pulls/${spec.number}`),
      html_url: `https://github.com/${fullName}/pull/${spec.number}`,
      head: {
        ...(template.head as Json),
        ref: spec.headRef ?? 'feature',
        sha: spec.headSha,
        label: `${headOwner}:${spec.headRef ?? 'feature'}`,
        repo: headRepo,
      },
      base: {
        ...(template.base as Json),
        ref: baseRef,
        sha: spec.baseSha ?? 'b'.repeat(40),
        label: `${gh.state.repo.owner}:${baseRef}`,
        repo: base,
      },
      // The description's example lists a team without the `type` its own schema requires.
      requested_teams: [],
    }
  }

  gh.route('GET', '/repos/{owner}/{repo}/commits/{commit_sha}/pulls', (req) => {
    if (!caller(req)) return unauthorized
    const listed = api.pulls.filter((p) => p.headSha === req.params.commit_sha && p.associated !== false)
    const { page, headers } = paginate(
      req,
      listed.map((p) => pullObject(p, true)),
      gh.api,
    )
    return { status: 200, body: page, headers }
  })

  gh.route('GET', '/repos/{owner}/{repo}/pulls', (req) => {
    if (!caller(req)) return unauthorized
    const state = req.query.get('state') ?? 'open'
    const head = req.query.get('head')
    const listed = api.pulls
      .filter((p) => state === 'all' || (p.state ?? 'open') === state)
      .map((p) => pullObject(p, true))
      .filter((p) => !head || (p.head as Json).label === head)
    const { page, headers } = paginate(req, listed, gh.api)
    return { status: 200, body: page, headers }
  })

  gh.route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', (req) => {
    if (!caller(req)) return unauthorized
    const spec = api.pulls.find((p) => p.number === Number(req.params.pull_number))
    return spec ? { status: 200, body: pullObject(spec, false) } : notFound
  })

  return api
}
