import { client } from '../app.tsx';
import { useQuery } from './query.ts';

/** A cached GET of the API (null path: nothing yet). */
export function useGet<T>(path: string | null) {
  return useQuery<T>(path === null ? null : `GET ${path}`, () => client.get<T>(path!));
}

/** A cached POST analysis (the same body is not run twice). */
export function usePost<T>(path: string | null, body: unknown) {
  const key = path === null ? null : `POST ${path} ${JSON.stringify(body)}`;
  return useQuery<T>(key, () => client.post<T>(path!, body));
}
