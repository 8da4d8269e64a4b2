// Shapes shared by the services that @linli/contracts describes as zod helpers.
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
