// Taro build configuration: one source, two targets (weapp for WeChat, h5 for the browser and the tests).
// Each target writes its own folder (dist/weapp, dist/h5; MINIPROGRAM_DIST=<folder> for another). TARO_APP_*
// variables are inlined at build time.
import { defineConfig, type UserConfigExport } from '@tarojs/cli';
import { buildEnv } from './env';

export default defineConfig<'webpack5'>(async (merge) => {
  const base: UserConfigExport<'webpack5'> = {
    projectName: 'linli-miniprogram',
    date: '2026-11-23',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: buildEnv.outputRoot,
    plugins: [],
    defineConstants: { 'process.env.TARO_APP_API': JSON.stringify(buildEnv.api) },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    terser: { enable: buildEnv.minify },
    csso: { enable: buildEnv.minify },
    mini: {
      webpackChain(chain) {
        chain.resolve.modules.add('node_modules').add(buildEnv.ownModules);
      },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: {
          enable: false,
          config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
        },
      },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      webpackChain(chain) {
        chain.resolve.modules.add('node_modules').add(buildEnv.ownModules);
      },
      output: { filename: 'js/[name].[hash:8].js', chunkFilename: 'js/[name].[chunkhash:8].js' },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[hash].css',
        chunkFilename: 'css/[name].[chunkhash].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: {
          enable: false,
          config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
        },
      },
    },
  };
  return merge({}, base, buildEnv.mode === 'development' ? { h5: { devServer: { port: 10086 } } } : {});
});
