// A fault-injecting ECS endpoint for the fault test: the local ECS of the benches (bench/local-ecs-server.ts,
// which refuses what ECS refuses and honours client tokens), served in this process, with faults a test
// switches on and off while the controller runs.
import { LocalEcs, serveLocalEcs, type CallFault } from '../../bench/local-ecs-server.js';
import { Random } from '../schedule/expression-generator.js';

/** Fractions of calls (0..1, summing to at most 1) that meet each fault. */
export interface FaultRates {
  /** ThrottlingException, HTTP 400, before ECS acts: what ECS answers past a rate limit. */
  throttling?: number;
  /** ServerException, HTTP 500; half of them after ECS acted (a RunTask launched, its answer lost). */
  serverError?: number;
  /** Accepted and never answered until the fault ends; half of them after ECS acted. */
  hang?: number;
}

export type FaultKind = keyof FaultRates;

/** Faults switched on and off at run time; its `pick` is the server's FaultInjector. */
export class EcsFaults {
  /**
   * How many calls met each fault so far, and how many RunTask calls among them launched and lost their
   * answer: those only a client token keeps from launching twice when retried.
   */
  readonly injected: Record<FaultKind | 'runTaskAnswerLost', number> = { throttling: 0, serverError: 0, hang: 0, runTaskAnswerLost: 0 };
  private rates: FaultRates = {};
  private endHangs!: () => void;
  private hangsEnd!: Promise<void>;

  /** Faults are drawn from a seeded sequence, so a failing run can be replayed. */
  constructor(private readonly random: Random) {
    this.newHangs();
  }

  /** From now on, each call meets a fault at these rates. */
  inject(rates: FaultRates): void {
    this.rates = rates;
  }

  /**
   * Ends the faults: calls are answered again, and the calls still hung are dropped (their connections
   * reset), as when a hung endpoint is restarted. Without the drop a hung call would outlast its fault by
   * up to the client's 10 s request timeout, and "after the fault" would mean nothing definite.
   */
  heal(): void {
    this.rates = {};
    this.endHangs();
    this.newHangs();
  }

  readonly pick = (operation: string): CallFault | undefined => {
    const { throttling = 0, serverError = 0, hang = 0 } = this.rates;
    const draw = this.random.next();
    const afterActing = this.random.next() < 0.5;
    if (draw >= throttling && draw < throttling + serverError + hang && afterActing && operation === 'RunTask') {
      this.injected.runTaskAnswerLost++;
    }
    if (draw < throttling) {
      this.injected.throttling++;
      return { kind: 'error', status: 400, type: 'ThrottlingException', message: 'Rate exceeded', afterActing: false };
    }
    if (draw < throttling + serverError) {
      this.injected.serverError++;
      return { kind: 'error', status: 500, type: 'ServerException', message: 'Service unavailable (injected)', afterActing };
    }
    if (draw < throttling + serverError + hang) {
      this.injected.hang++;
      return { kind: 'hang', until: this.hangsEnd, afterActing };
    }
    return undefined;
  };

  private newHangs(): void {
    this.hangsEnd = new Promise((resolve) => (this.endHangs = resolve));
  }
}

/** The local ECS, served on loopback with switchable faults. */
export interface FaultyEcs {
  ecs: LocalEcs;
  faults: EcsFaults;
  url: string;
  close(): Promise<void>;
}

/** Serves a local ECS whose tasks run `taskSeconds`, with faults drawn from `seed`. */
export async function startFaultyEcs(options: { taskSeconds: number; seed: number }): Promise<FaultyEcs> {
  const ecs = new LocalEcs({ taskSeconds: options.taskSeconds });
  const faults = new EcsFaults(new Random(options.seed));
  const { server, url } = await serveLocalEcs(ecs, { faults: faults.pick });
  return {
    ecs,
    faults,
    url,
    async close() {
      faults.heal();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
