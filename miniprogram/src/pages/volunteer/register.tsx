// 注册志愿者: a resident asks to serve as a volunteer of their community (party member or not, skills, a note);
// the grid worker or the community admin reviews it. While it waits the page says 审核中; once refused it shows
// the reason and the resident may ask again.
import { useCallback, useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import type { VolunteerRegistration } from '@linli/contracts';
import { REGISTRATION_STATUS_NAMES, volunteerApi, volunteerMessageOf } from '../../services';
import { formatTime, Guard } from '../../components/ui';
import { useLoader } from '../../components/use-loader';
import './volunteer.css';

const SKILLS = [
  '助老',
  '助残',
  '理发',
  '家电维修',
  '水电维修',
  '陪伴聊天',
  '辅导功课',
  '医疗护理',
  '文艺表演',
  '法律咨询',
];

export default function VolunteerRegister() {
  const load = useCallback(async (): Promise<{ reg: VolunteerRegistration | null }> => {
    const record = await volunteerApi.myRecord();
    if (!record.registration) return { reg: null };
    const reg = await volunteerApi.myRegistration();
    return { reg: reg && reg.userId === record.userId ? reg : null };
  }, []);
  const [state, reload] = useLoader(load);
  const [party, setParty] = useState(false);
  const [skills, setSkills] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);

  const toggle = (s: string) => setSkills((x) => (x.includes(s) ? x.filter((y) => y !== s) : [...x, s]));

  const submit = async () => {
    setBusy(true);
    try {
      await volunteerApi.register({
        isPartyMember: party,
        skills,
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      void Taro.showToast({ title: '已提交，等待社区审核', icon: 'none' });
      await reload();
    } catch (err) {
      void Taro.showToast({ title: volunteerMessageOf(err), icon: 'none', duration: 3000 });
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="page" data-testid="volunteer-register">
      <Guard state={state} onRetry={reload}>
        {({ reg }) =>
          reg && reg.status !== 'rejected' ? (
            <View className="card" data-testid="registration">
              <View className="card-title">
                <Text>志愿者登记</Text>
                <Text
                  className={reg.status === 'pending' ? 'tag tag-warn' : 'tag'}
                  data-testid="registration-state"
                >
                  {REGISTRATION_STATUS_NAMES[reg.status]}
                </Text>
              </View>
              <View className="muted">提交时间：{formatTime(reg.createdAt)}</View>
              {reg.skills.length > 0 && <View className="muted">特长：{reg.skills.join('、')}</View>}
              <View className="muted">
                {reg.status === 'pending'
                  ? '社区网格员或社区管理员审核后会通知您，请留意消息。'
                  : '您已是本社区注册志愿者，可以认领微心愿、报名志愿活动。'}
              </View>
            </View>
          ) : (
            <>
              {reg?.status === 'rejected' && (
                <View className="card" data-testid="registration-rejected">
                  <View className="card-title">
                    <Text>上次登记未通过</Text>
                    <Text className="tag tag-done">{REGISTRATION_STATUS_NAMES.rejected}</Text>
                  </View>
                  <View>原因：{reg.reviewNote ?? '社区未说明原因'}</View>
                </View>
              )}
              <View className="card">
                <View className="muted">
                  本社区居民可以登记成为志愿者，社区审核通过后即可认领邻居的微心愿、报名志愿活动，服务后获得志愿积分。
                </View>
              </View>
              <View className="card">
                <View className="field">
                  <View className="label">是否党员</View>
                  <View className="chips">
                    <View
                      id="party-yes"
                      className={`chip ${party ? 'chip-on' : ''}`}
                      onClick={() => setParty(true)}
                    >
                      是
                    </View>
                    <View
                      id="party-no"
                      className={`chip ${party ? '' : 'chip-on'}`}
                      onClick={() => setParty(false)}
                    >
                      否
                    </View>
                  </View>
                </View>
                <View className="field">
                  <View className="label">特长（可多选）</View>
                  <View className="chips">
                    {SKILLS.map((s, i) => (
                      <View
                        key={s}
                        id={`skill-${i}`}
                        className={`chip ${skills.includes(s) ? 'chip-on' : ''}`}
                        onClick={() => toggle(s)}
                      >
                        {s}
                      </View>
                    ))}
                  </View>
                </View>
                <View className="field">
                  <View className="label">补充说明（选填）</View>
                  <Input
                    className="input"
                    id="register-note"
                    value={note}
                    maxlength={500}
                    placeholder="如：周末有空，会开车"
                    onInput={(e) => setNote(e.detail.value)}
                  />
                </View>
              </View>
              <Button className="btn" id="submit-register" disabled={busy} onClick={() => void submit()}>
                提交登记
              </Button>
            </>
          )
        }
      </Guard>
    </View>
  );
}
