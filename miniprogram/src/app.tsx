import { type PropsWithChildren } from 'react';
import Taro, { useLaunch } from '@tarojs/taro';
import { whenSignedOut } from './services';
import { LOGIN_PAGE } from './routes';
import './app.css';

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    whenSignedOut(() => {
      void Taro.reLaunch({ url: LOGIN_PAGE });
    });
  });
  return children;
}

export default App;
