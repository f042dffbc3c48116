import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { JOB_STATUSES, type Job } from '../../appstate/jobs.ts';
import { NotFoundError } from '../../core/errors.ts';
import { type ApiDeps, ownerOf } from '../deps.ts';
import { pageMeta, pageQuery } from '../schemas.ts';

export const jobSchema = z.object({
  id: z.string(),
  kind: z.string().describe('What runs: the analysis name, e.g. rfm'),
  status: z.enum(JOB_STATUSES),
  progress: z.number().min(0).max(1),
  params: z.record(z.string(), z.unknown()),
  owner: z.string(),
  request_id: z.string().nullable().describe('Correlation id of the request that started the job'),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  result: z.unknown().describe('When done: the same body the synchronous endpoint returns'),
  error: z.object({ code: z.string(), message: z.string() }).nullable().describe('When failed: why'),
});

export const jobAccepted = z.object({
  job_id: z.string(),
  status: z.enum(JOB_STATUSES),
  href: z.string().describe('Poll this for status, progress and result'),
});

export function jobView(job: Job): z.infer<typeof jobSchema> {
  return { ...job, result: job.status === 'done' ? job.result : null };
}

export const jobRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { jobs } = deps.state;

  app.get(
    '/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Your jobs, newest first (admins: everyone’s, or one owner’s)',
        querystring: pageQuery.extend({ owner: z.string().min(1).max(120).optional() }),
        response: { 200: pageMeta.extend({ jobs: z.array(jobSchema) }) },
      },
      config: { auth: 'analyst' },
    },
    async (req) => {
      const admin = req.principal!.role === 'admin';
      const owner = admin ? req.query.owner : ownerOf(req);
      const { jobs: list, total } = jobs.list({ owner, limit: req.query.limit, offset: req.query.offset });
      return { jobs: list.map(jobView), total, limit: req.query.limit, offset: req.query.offset };
    },
  );

  app.get(
    '/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'A job: status, progress and, when done, its result',
        params: z.object({ id: z.uuid() }),
        response: { 200: jobSchema },
      },
      config: { auth: 'analyst' },
    },
    async (req) => {
      const job = jobs.get(req.params.id);
      // Someone else's job is reported as missing, so ids do not leak.
      if (!job || (req.principal!.role !== 'admin' && job.owner !== ownerOf(req))) {
        throw new NotFoundError(`job ${req.params.id} does not exist`);
      }
      return jobView(job);
    },
  );
};
