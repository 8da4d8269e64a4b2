import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { Navigate, useLocation } from 'react-router-dom';
import { ApiError } from '../api';
import { useSession } from '../session';

const LOGIN_ERRORS: Record<string, string> = {
  invalid_credentials: '用户名或密码不正确',
  account_locked: '连续输错次数过多，账号已暂时锁定，请稍后再试',
  demo_account_disabled: '演示账号已停用',
  forbidden: '此账号已停用，请联系管理员',
  validation_failed: '请填写用户名和密码',
};

export function LoginPage() {
  const { user, signIn } = useSession();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (user) {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from !== '/login' ? from : '/flows'} replace />;
  }
  const submit = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await signIn(values.username, values.password);
    } catch (err) {
      setError(
        err instanceof ApiError
          ? (LOGIN_ERRORS[err.id] ?? `登录失败（${err.status}）`)
          : '网络错误，请检查连接',
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="login-page">
      <Card style={{ width: 380 }}>
        <Typography.Title level={3} style={{ textAlign: 'center' }}>
          邻里 · 管理后台
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          社区、街道、区级工作人员登录
        </Typography.Paragraph>
        {error && <Alert id="login-error" type="error" title={error} style={{ marginBottom: 16 }} showIcon />}
        <Form layout="vertical" onFinish={(v: { username: string; password: string }) => void submit(v)}>
          <Form.Item label="用户名" name="username" rules={[{ required: true, message: '请输入用户名' }]}>
            <Input id="login-username" autoComplete="username" />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password id="login-password" autoComplete="current-password" />
          </Form.Item>
          <Button id="login-submit" type="primary" htmlType="submit" block loading={busy}>
            登录
          </Button>
        </Form>
      </Card>
    </div>
  );
}
