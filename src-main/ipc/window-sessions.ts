/**
 * Which session each window holds. The token stays here, in the main process;
 * the renderer only ever learns the session id.
 */
export interface WindowSession {
  token: string
  sessionId: string
}

export class WindowSessions {
  readonly #byWindow = new Map<number, WindowSession>()

  set(windowId: number, session: WindowSession): void {
    this.#byWindow.set(windowId, session)
  }

  get(windowId: number): WindowSession | undefined {
    return this.#byWindow.get(windowId)
  }

  clear(windowId: number): void {
    this.#byWindow.delete(windowId)
  }

  /** Forgets the given sessions and returns the windows that held them. */
  releaseSessions(sessionIds: readonly string[]): number[] {
    const ids = new Set(sessionIds)
    const windows: number[] = []
    for (const [windowId, session] of this.#byWindow) {
      if (ids.has(session.sessionId)) {
        this.#byWindow.delete(windowId)
        windows.push(windowId)
      }
    }
    return windows
  }

  entries(): Array<[number, WindowSession]> {
    return [...this.#byWindow]
  }
}
