export default definePageConfig({ navigationBarTitleText: '告警处置', enablePullDownRefresh: true });
