// Routes and the console's frame: the menu, the signed-in account and the org scope it is looking at.
import { Button, Layout, Menu, Result, Select, Space, Spin, Typography } from 'antd';
import {
  ApartmentOutlined,
  AuditOutlined,
  CameraOutlined,
  OrderedListOutlined,
  HomeOutlined,
  BarChartOutlined,
  DeploymentUnitOutlined,
  FieldTimeOutlined,
  MonitorOutlined,
  TeamOutlined,
  ClusterOutlined,
  IdcardOutlined,
  ShopOutlined,
  NotificationOutlined,
  GiftOutlined,
  ScheduleOutlined,
  EnvironmentOutlined,
} from '@ant-design/icons';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { ROLE_LABEL, useSession } from './session';
import { LiveStatus } from './live';
import { LoginPage } from './pages/LoginPage';
import { FlowsPage } from './pages/FlowsPage';
import { FlowEditorPage } from './pages/FlowEditorPage';
import { CasesPage } from './pages/CasesPage';
import { CaseViewPage } from './pages/CaseViewPage';
import { DashboardPage } from './pages/DashboardPage';
import { ResidentsPage } from './pages/ResidentsPage';
import { ResidentImportPage } from './pages/ResidentImportPage';
import { RoomImportPage } from './pages/RoomImportPage';
import { SupervisionPage } from './pages/SupervisionPage';
import { AuditPage } from './pages/AuditPage';
import { DevicesPage } from './pages/DevicesPage';
import { BindingsPage } from './pages/BindingsPage';
import { CatalogueEditorPage } from './pages/CatalogueEditorPage';
import { OrgPage } from './pages/OrgPage';
import { StaffPage } from './pages/StaffPage';
import { OrganisationsPage } from './pages/OrganisationsPage';
import { NoticesPage } from './pages/NoticesPage';
import { MallPage } from './pages/MallPage';
import { RostersPage } from './pages/RostersPage';
import { AddressesPage } from './pages/AddressesPage';

const MENU = [
  { key: '/dashboard', icon: <BarChartOutlined />, label: '辅助决策', action: 'stats.read' as const },
  { key: '/flows', icon: <DeploymentUnitOutlined />, label: '流程设计' },
  { key: '/cases', icon: <MonitorOutlined />, label: '流程监控' },
  { key: '/supervision', icon: <FieldTimeOutlined />, label: '督办', action: 'tasks.supervise' as const },
  { key: '/addresses', icon: <EnvironmentOutlined />, label: '房屋管理' },
  { key: '/residents', icon: <TeamOutlined />, label: '居民管理', action: 'residents.read' as const },
  { key: '/audit', icon: <AuditOutlined />, label: '审计日志', action: 'audit.read' as const },
  { key: '/devices', icon: <CameraOutlined />, label: '设备管理', action: 'devices.read' as const },
  { key: '/bindings', icon: <HomeOutlined />, label: '住户审核', action: 'bindings.read' as const },
  { key: '/org-units', icon: <ClusterOutlined />, label: '组织与网格' },
  { key: '/staff', icon: <IdcardOutlined />, label: '人员与角色', action: 'users.read' as const },
  { key: '/organisations', icon: <ShopOutlined />, label: '单位与车辆', action: 'vehicles.read' as const },
  {
    key: '/approval-items',
    icon: <OrderedListOutlined />,
    label: '事项清单',
    action: 'approvalItems.manage' as const,
  },
  { key: '/notices', icon: <NotificationOutlined />, label: '公告管理', action: 'notices.manage' as const },
  { key: '/mall', icon: <GiftOutlined />, label: '积分商城', action: 'mall.read' as const },
  { key: '/rosters', icon: <ScheduleOutlined />, label: '值班排班', action: 'rosters.read' as const },
];

function Frame() {
  const { user, scope, setScope, signOut, can, ready } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  if (!ready) return <Spin fullscreen tip="正在加载权限…" />;
  if (!can('console')) {
    return (
      <Result
        status="403"
        title="此账号不能使用管理后台"
        subTitle="管理后台供社区、街道、区级工作人员使用；居民请使用小程序。"
        extra={
          <Button id="logout-button" onClick={() => void signOut()}>
            退出登录
          </Button>
        }
      />
    );
  }
  const selected = MENU.find((m) => location.pathname.startsWith(m.key))?.key ?? '/flows';
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={200} theme="dark">
        <div className="brand">
          <ApartmentOutlined /> 邻里 · 管理后台
        </div>
        <Menu
          id="main-menu"
          theme="dark"
          mode="inline"
          selectedKeys={[selected]}
          items={MENU.filter((m) => !m.action || can(m.action)).map(({ action: _a, ...m }) => ({
            ...m,
            id: `menu-${m.key.slice(1)}`,
          }))}
          onClick={(e) => navigate(e.key)}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header className="header">
          <Space size="middle">
            <Typography.Text type="secondary">管辖范围</Typography.Text>
            <Select
              id="scope-select"
              style={{ minWidth: 260 }}
              value={scope}
              onChange={setScope}
              options={user.roles.map((g, i) => ({
                value: i,
                label: `${g.orgUnitName ?? '（未命名单位）'} · ${ROLE_LABEL[g.role]}`,
              }))}
            />
          </Space>
          <Space size="middle">
            <LiveStatus />
            <Typography.Text id="current-user">{user.displayName}</Typography.Text>
            <Button id="logout-button" onClick={() => void signOut()}>
              退出
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content className="content">
          <Routes>
            <Route path="/dashboard" element={<DashboardPage />} />
            <Route path="/flows" element={<FlowsPage />} />
            <Route path="/flows/:processId" element={<FlowEditorPage />} />
            <Route path="/cases" element={<CasesPage />} />
            <Route path="/cases/:id" element={<CaseViewPage />} />
            <Route path="/supervision" element={<SupervisionPage />} />
            <Route path="/addresses" element={<AddressesPage />} />
            <Route path="/residents" element={<ResidentsPage />} />
            <Route path="/residents/import" element={<ResidentImportPage />} />
            <Route path="/org-units/import-rooms" element={<RoomImportPage />} />
            <Route path="/audit" element={<AuditPage />} />
            <Route path="/devices" element={<DevicesPage />} />
            <Route path="/bindings" element={<BindingsPage />} />
            <Route path="/org-units" element={<OrgPage />} />
            <Route path="/staff" element={<StaffPage />} />
            <Route path="/organisations" element={<OrganisationsPage />} />
            <Route path="/approval-items" element={<CatalogueEditorPage />} />
            <Route path="/notices" element={<NoticesPage />} />
            <Route path="/mall" element={<MallPage />} />
            <Route path="/rosters" element={<RostersPage />} />
            <Route path="*" element={<Navigate to="/flows" replace />} />
          </Routes>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/*" element={<Frame />} />
    </Routes>
  );
}
