/**
 * The infra workflow file at the ref (trigger, inputs, run-name), read once per workflow and ref. Undefined
 * when the token may not read it: then GitHub checks the inputs at dispatch.
 */
import { HostingError, PreconditionError } from '../errors/errors.js';
import type { WorkflowTarget } from '../ports/ports.js';
import { type GitHubContext, workflowId } from './context.js';
import { gitHubError, httpFailure } from './errors.js';
import { readWorkflowFile, type WorkflowFileFacts } from './workflow-file.js';

const factsKey = (t: WorkflowTarget) => `${t.owner}/${t.repo}/${t.workflow}@${t.ref}`.toLowerCase();

export class WorkflowFacts {
  private readonly cache = new Map<string, WorkflowFileFacts | undefined>();

  constructor(private readonly gh: GitHubContext) {}

  /** The facts of the workflow file; `path` when known saves a request. */
  async read(target: WorkflowTarget, path: string | undefined): Promise<WorkflowFileFacts | undefined> {
    const key = factsKey(target);
    if (this.cache.has(key)) return this.cache.get(key);
    let filePath = path;
    try {
      filePath ??= await this.workflowPath(target);
      const text = await this.fileText(target, filePath);
      const facts = text === undefined ? undefined : parse(text, filePath, target);
      this.cache.set(key, facts);
      return facts;
    } catch (error) {
      if (error instanceof HostingError) throw error;
      const f = httpFailure(error);
      // 404: the file is not on that ref, or the server does not serve contents; 403: no Contents: read.
      // Either way GitHub checks at dispatch, and its 422 is explained there.
      if (f.status === 403 || f.status === 404) {
        this.gh.log(
          `Could not read ${filePath ?? target.workflow} (HTTP ${f.status}): its trigger and inputs are checked at dispatch instead. Grant Contents: read to check them earlier.`,
        );
        this.cache.set(key, undefined);
        return undefined;
      }
      throw gitHubError(error, this.gh.ctx(target, `read the workflow file of ${target.workflow}`));
    }
  }

  private async workflowPath(target: WorkflowTarget): Promise<string> {
    const res = await this.gh.client.rest.actions.getWorkflow({
      owner: target.owner,
      repo: target.repo,
      workflow_id: workflowId(target.workflow),
      request: { signal: this.gh.signal() },
    });
    return res.data.path;
  }

  /** The file's text at the ref; undefined when the path is not a file. */
  private async fileText(target: WorkflowTarget, path: string): Promise<string | undefined> {
    const res = await this.gh.client.rest.repos.getContent({
      owner: target.owner,
      repo: target.repo,
      path,
      ref: target.ref,
      request: { signal: this.gh.signal() },
    });
    const data = res.data as { type?: string; content?: string; encoding?: string };
    if (data.type !== 'file' || typeof data.content !== 'string') return undefined;
    return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
  }
}

function parse(text: string, path: string, target: WorkflowTarget): WorkflowFileFacts {
  try {
    return readWorkflowFile(text);
  } catch (error) {
    throw new PreconditionError(
      'WORKFLOW_INVALID',
      `Workflow file ${path} in ${target.owner}/${target.repo}@${target.ref} is not valid YAML.`,
      { fix: 'Fix the workflow file in the infra repository.', cause: error },
    );
  }
}
