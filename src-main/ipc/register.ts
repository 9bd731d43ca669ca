import type { Invoker } from './guard.ts'

/** The part of Electron's ipcMain we use; a fake in tests. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, payload: unknown) => Promise<unknown>): void
}

export interface IpcEventLike {
  sender: { id: number }
  senderFrame: { url: string } | null
}

/** Registers exactly the contract's channels; each goes through the guarded invoker. */
export function registerIpcHandlers(ipcMain: IpcMainLike, channelNames: readonly string[], invoke: Invoker): void {
  for (const channel of channelNames) {
    ipcMain.handle(channel, (event, payload) =>
      invoke({ windowId: event.sender.id, senderUrl: event.senderFrame?.url ?? '' }, channel, payload),
    )
  }
}
