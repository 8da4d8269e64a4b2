// Sign-in. WeChat: one tap (wx.login). Browser: staff username + password; development builds also offer the
// server's development sign-in for residents (the server refuses it unless DEV_LOGIN is on).
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Input, View } from '@tarojs/components';
import { IS_H5 } from '../../services/env';
import { messageOf, signInForDevelopment, signInWithPassword, signInWithWechat } from '../../services';
import { HOME_PAGE } from '../../routes';

export default function Login() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [devName, setDevName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  const run = async (signIn: () => Promise<unknown>) => {
    setBusy(true);
    setError('');
    try {
      await signIn();
      await Taro.reLaunch({ url: HOME_PAGE });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="page">
      <View className="card">
        <View className="card-title">欢迎使用邻里</View>
        <View className="muted">报修、办事、志愿服务和社区消息，一站办理。</View>
      </View>
      {!IS_H5 && (
        <View className="card">
          <Button className="btn" id="wechat-login" disabled={busy} onClick={() => run(signInWithWechat)}>
            微信一键登录
          </Button>
        </View>
      )}
      <View className="card">
        <View className="card-title">工作人员登录</View>
        <View className="field">
          <View className="label">用户名</View>
          <Input
            className="input"
            id="username"
            value={username}
            placeholder="请输入用户名"
            onInput={(e) => setUsername(e.detail.value)}
          />
        </View>
        <View className="field">
          <View className="label">密码</View>
          <Input
            className="input"
            id="password"
            password
            value={password}
            placeholder="请输入密码"
            onInput={(e) => setPassword(e.detail.value)}
          />
        </View>
        <Button
          className="btn"
          id="password-login"
          disabled={busy || !username.trim() || !password}
          onClick={() => run(() => signInWithPassword(username.trim(), password))}
        >
          登录
        </Button>
      </View>
      {IS_H5 && (
        <View className="card">
          <View className="card-title">开发登录（仅测试环境）</View>
          <View className="field">
            <Input
              className="input"
              id="dev-username"
              value={devName}
              placeholder="账号，如 resident1"
              onInput={(e) => setDevName(e.detail.value)}
            />
          </View>
          <Button
            className="btn btn-secondary"
            id="dev-login"
            disabled={busy || !devName.trim()}
            onClick={() => run(() => signInForDevelopment(devName.trim()))}
          >
            开发登录
          </Button>
        </View>
      )}
      {error && (
        <View className="state state-error" data-testid="login-error">
          {error}
        </View>
      )}
    </View>
  );
}
