import type { DeviceFacts } from '../services/device-facts.ts'
import type { KeptSessionStore } from './kept-session.ts'

/**
 * What the IPC face needs from the desktop. The Electron implementation lives in
 * ./electron-platform.ts (the only file here that imports electron); tests use a
 * fake (test/fixtures/fake-platform.ts).
 */
export interface FileFilter {
  name: string
  extensions: string[]
}

export interface SaveDialogRequest {
  title: string
  defaultFileName: string
  filters?: FileFilter[]
}

export interface OpenDialogRequest {
  title: string
  defaultDirectory?: string
  filters?: FileFilter[]
}

export interface FolderDialogRequest {
  title: string
  defaultDirectory?: string
}

export interface Platform {
  readonly appVersion: string
  deviceFacts(): DeviceFacts
  /** "Keep me signed in": the sealed token of the session restored at start-up. */
  keptSession: KeptSessionStore
  clipboard: {
    writeText(text: string): void
    readText(): Promise<string>
  }
  /** Operating-system notifications (Electron's Notification); nothing happens where the OS has none. */
  notifications: {
    show(notification: { title: string; body: string }): void
  }
  dialogs: {
    /** Resolves to the chosen path, or null when the user cancelled. */
    showSaveDialog(windowId: number, request: SaveDialogRequest): Promise<string | null>
    /** Resolves to the chosen path, or null when the user cancelled. */
    showOpenDialog(windowId: number, request: OpenDialogRequest): Promise<string | null>
    /** Asks for a folder (one may be created in the dialog); resolves to its path, or null when cancelled. */
    showFolderDialog(windowId: number, request: FolderDialogRequest): Promise<string | null>
  }
}
