export default definePageConfig({ navigationBarTitleText: '调解办理', enablePullDownRefresh: true });
