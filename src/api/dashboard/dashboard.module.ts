import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { dashboardAssets, DASHBOARD_ROUTE } from './dashboard-assets';

/**
 * The dashboard's front end at `/dashboard` (built by Vite into dashboard/dist). Its files hold no
 * study data, so they are served without the token; the JSON routes they call are guarded as usual.
 */
@Module({})
export class DashboardModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(dashboardAssets()).forRoutes(DASHBOARD_ROUTE);
  }
}
