// The baseline for the renderer figures: the smallest Vue app, built like Keystead's renderer.
import { createApp, h } from 'vue'

createApp({ render: () => h('main', [h('h1', 'Sign in to Keystead')]) }).mount('#app')
