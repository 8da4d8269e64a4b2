import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { SessionProvider } from './session';
import { App } from './App';
// a self-hosted Chinese font (split by unicode range, fetched on demand) for machines without one
import '@fontsource/noto-sans-sc/400.css';
import './styles.css';
import { FONT_FAMILY } from './font';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider locale={zhCN} theme={{ token: { colorPrimary: '#1677ff', fontFamily: FONT_FAMILY } }}>
      <AntApp>
        <SessionProvider>
          <BrowserRouter basename="/admin">
            <App />
          </BrowserRouter>
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
