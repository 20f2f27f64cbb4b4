import { FRAME_HOOKS, type CheckHooks, type FrameHookName } from './check-kind';

type Hook<K extends keyof CheckHooks> = NonNullable<CheckHooks[K]>;

/** Frame hooks of one kind, in rule order, indexed by the id of the message type they can fire on. */
class TypedHooks<F> {
  private readonly entries: { hook: F; types?: ReadonlySet<string> }[] = [];
  /** By type id; id 0 is every type no check names (only the hooks that fire on every type). */
  private byId: F[][] = [[]];

  add(hook: F, types: readonly string[] | undefined): void {
    this.entries.push({ hook, types: types && new Set(types) });
  }

  /** Names the types this kind of hook filters on (to give them ids). */
  namedTypes(): string[] {
    return this.entries.flatMap((e) => (e.types ? [...e.types] : []));
  }

  build(ids: ReadonlyMap<string, number>): void {
    this.byId = [this.entries.filter((e) => !e.types).map((e) => e.hook)];
    for (const [type, id] of ids) {
      this.byId[id] = this.entries.filter((e) => !e.types || e.types.has(type)).map((e) => e.hook);
    }
  }

  /** The hooks to call for a frame of this type id, in rule order. */
  of(id: number): readonly F[] {
    return this.byId[id];
  }
}

/**
 * Every installed check's hooks, by hook name, in rule order; the frame hooks also by message type, so a frame costs
 * only the checks that can fire on its type (value checks of `agent_completed` never see an `agent_thinking`).
 * Message types get small ids when the table is sealed: a frame's type is looked up once (`typeId`).
 *
 * @example
 * const table = new HookTable();
 * table.add({ types: { runEventFirst: ['agent_completed'] }, runEventFirst: (f) => ... });
 * table.seal(['agent_started', 'agent_completed']);
 * for (const hook of table.runEventFirst.of(table.typeId(f.type))) hook(f, run);
 */
export class HookTable {
  readonly serverFrame = new TypedHooks<Hook<'serverFrame'>>();
  readonly clientFrame = new TypedHooks<Hook<'clientFrame'>>();
  readonly runEvent = new TypedHooks<Hook<'runEvent'>>();
  readonly runEventFirst = new TypedHooks<Hook<'runEventFirst'>>();
  readonly connOpen: Hook<'connOpen'>[] = [];
  readonly foreignRunEvent: Hook<'foreignRunEvent'>[] = [];
  readonly lateRunEvent: Hook<'lateRunEvent'>[] = [];
  readonly seqHoles: Hook<'seqHoles'>[] = [];
  readonly connClose: Hook<'connClose'>[] = [];
  readonly runFinalize: Hook<'runFinalize'>[] = [];
  readonly finish: Hook<'finish'>[] = [];
  private readonly ids = new Map<string, number>();
  /** By id: the table's own string for each type (index 0: none). */
  private readonly names: (string | undefined)[] = [undefined];

  add(hooks: CheckHooks): void {
    for (const name of FRAME_HOOKS) {
      const hook = hooks[name];
      if (hook) (this[name] as TypedHooks<unknown>).add(hook, hooks.types?.[name]);
    }
    for (const name of LIST_HOOKS) {
      const hook = hooks[name];
      if (hook) (this[name] as unknown[]).push(hook);
    }
  }

  /** Gives ids to these types (the protocol's) and to every type a hook names, and indexes the hooks by them. */
  seal(types: Iterable<string>): void {
    const named = [...types, ...FRAME_HOOKS.flatMap((name) => (this[name] as TypedHooks<unknown>).namedTypes())];
    for (const type of named) if (!this.ids.has(type)) this.name(type, this.ids.size + 1);
    for (const name of FRAME_HOOKS) (this[name] as TypedHooks<unknown>).build(this.ids);
  }

  /** The id of a message type, given now if it has none (for checks that index by type when they are created). */
  idOf(type: string): number {
    let id = this.ids.get(type);
    if (id === undefined) this.name(type, (id = this.ids.size + 1));
    return id;
  }

  /** The table's own string for the type of this id (undefined for 0): the same string for every frame of it. */
  nameOf(id: number): string | undefined {
    return this.names[id];
  }

  private name(type: string, id: number): void {
    this.ids.set(type, id);
    this.names[id] = type;
  }

  /** The id of a message type (0 for a type nothing names, or none). */
  typeId(type: string | undefined): number {
    return (type !== undefined && this.ids.get(type)) || 0;
  }
}

const LIST_HOOKS = [
  'connOpen',
  'foreignRunEvent',
  'lateRunEvent',
  'seqHoles',
  'connClose',
  'runFinalize',
  'finish',
] as const satisfies readonly Exclude<keyof CheckHooks, FrameHookName | 'types'>[];
