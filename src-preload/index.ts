import { contextBridge, ipcRenderer } from 'electron'
import { channels, eventChannels } from './contract/api.ts'
import { createKeysteadApi } from './create-api.ts'

const api = createKeysteadApi(
  channels,
  eventChannels,
  (channel, payload) => ipcRenderer.invoke(channel, payload),
  (channel, listener) => {
    // Never forward the Electron event object to the page: only the payload.
    const handler = (_event: Electron.IpcRendererEvent, payload: unknown): void => listener(payload)
    ipcRenderer.on(channel, handler)
    return () => {
      ipcRenderer.removeListener(channel, handler)
    }
  },
)

contextBridge.exposeInMainWorld('keystead', api)
