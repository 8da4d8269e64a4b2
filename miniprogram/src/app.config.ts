// Pages: the tabs in the main package, everything else in subpackages (WeChat's 2 MB main-package limit).
export default defineAppConfig({
  pages: ['pages/index/index', 'pages/messages/index', 'pages/me/index'],
  subPackages: [
    { root: 'pages/login', pages: ['index'] },
    { root: 'pages/repair', pages: ['report', 'list', 'detail'] },
    { root: 'pages/tasks', pages: ['index'] },
    { root: 'pages/task', pages: ['index'] },
    { root: 'pages/alerts', pages: ['index', 'detail'] },
    { root: 'pages/events', pages: ['report', 'list', 'detail'] },
    { root: 'pages/dispute', pages: ['apply', 'list', 'detail', 'handle'] },
    { root: 'pages/binding', pages: ['index', 'bind'] },
    { root: 'pages/approval', pages: ['items', 'item', 'apply', 'list', 'detail', 'handle'] },
    { root: 'pages/volunteer', pages: ['index', 'post', 'detail', 'register', 'points', 'mall', 'review'] },
    { root: 'pages/notices', pages: ['index', 'detail'] },
    { root: 'pages/dispatch', pages: ['index', 'repair'] },
    { root: 'pages/grid', pages: ['index', 'resident', 'visit'] },
  ],
  // 随手拍 records where the event is (WeChat asks for the purpose and the private APIs used)
  permission: { 'scope.userLocation': { desc: '用于随手拍、问题上报时记录事件位置' } },
  requiredPrivateInfos: ['getLocation'],
  window: {
    backgroundTextStyle: 'dark',
    navigationBarBackgroundColor: '#1a7f5a',
    navigationBarTitleText: '邻里',
    navigationBarTextStyle: 'white',
    backgroundColor: '#f4f6f5',
  },
  tabBar: {
    color: '#6b7570',
    selectedColor: '#1a7f5a',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      {
        pagePath: 'pages/index/index',
        text: '首页',
        iconPath: 'assets/tab/home.png',
        selectedIconPath: 'assets/tab/home-on.png',
      },
      {
        pagePath: 'pages/messages/index',
        text: '消息',
        iconPath: 'assets/tab/messages.png',
        selectedIconPath: 'assets/tab/messages-on.png',
      },
      {
        pagePath: 'pages/me/index',
        text: '我的',
        iconPath: 'assets/tab/me.png',
        selectedIconPath: 'assets/tab/me-on.png',
      },
    ],
  },
});
