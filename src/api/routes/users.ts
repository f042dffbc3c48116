import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { passwordSchema, usernameSchema } from '../../appstate/users.ts';
import { NotFoundError, OlistError } from '../../core/errors.ts';
import type { ApiDeps } from '../deps.ts';
import { roleEnum } from '../schemas.ts';

export const userSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  role: roleEnum,
  disabled: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  last_login_at: z.string().nullable(),
});

const usernameParams = z.object({ username: z.string().min(1).max(64) });

export const userRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { users, refreshTokens } = deps.state;

  app.get(
    '/users',
    {
      schema: {
        tags: ['users'],
        summary: 'List users',
        response: { 200: z.object({ users: z.array(userSchema) }) },
      },
      config: { auth: 'admin' },
    },
    async () => ({ users: users.list() }),
  );

  app.post(
    '/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Create a user',
        body: z.strictObject({ username: usernameSchema, password: passwordSchema, role: roleEnum }),
        response: { 201: userSchema },
      },
      config: { auth: 'admin' },
    },
    async (req, reply) => {
      const user = await users.create(req.body);
      deps.audit(req, 'user.create', { username: user.username, role: user.role });
      return reply.code(201).send(user);
    },
  );

  app.patch(
    '/users/:username',
    {
      schema: {
        tags: ['users'],
        summary: 'Change a user: role, disabled, password',
        description:
          'Disabling a user or changing their password ends their sessions. The last enabled admin stays.',
        params: usernameParams,
        body: z
          .strictObject({
            role: roleEnum.optional(),
            disabled: z.boolean().optional(),
            password: passwordSchema.optional(),
          })
          .refine((b) => Object.keys(b).length > 0, 'send at least one of role, disabled, password'),
        response: { 200: userSchema },
      },
      config: { auth: 'admin' },
    },
    async (req) => {
      const current = users.get(req.params.username);
      if (!current) throw new NotFoundError(`user "${req.params.username}" does not exist`);
      const losesAdmin =
        current.role === 'admin' &&
        !current.disabled &&
        (req.body.disabled === true || (req.body.role !== undefined && req.body.role !== 'admin'));
      if (losesAdmin && users.activeAdmins() <= 1) {
        throw new OlistError('CONFLICT', 'this is the last enabled admin: create another admin first');
      }
      const user = await users.update(current.username, req.body);
      if (req.body.disabled === true || req.body.password !== undefined)
        refreshTokens.revokeAllForUser(user.id);
      deps.audit(req, 'user.update', {
        username: user.username,
        ...(req.body.role ? { role: req.body.role } : {}),
        ...(req.body.disabled !== undefined ? { disabled: req.body.disabled } : {}),
        ...(req.body.password !== undefined ? { credentials_changed: true } : {}),
      });
      return user;
    },
  );
};
