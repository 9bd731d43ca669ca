import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { createKeysteadI18n } from './i18n/index.ts'
import { createKeysteadRouter } from './router.ts'
import './styles/main.css'

const app = createApp(App)
app.use(createPinia())
app.use(createKeysteadI18n(document.documentElement.lang || 'en'))
app.use(createKeysteadRouter())
app.mount('#app')
